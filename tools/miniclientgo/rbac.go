package main

// runRBAC is the -rbac script: as the admin, a Role and a RoleBinding through the typed RBAC
// client (sent as protobuf, as kubectl's are); then, impersonating alice (rest.Config.Impersonate),
// list pods (allowed by the binding), list secrets (Forbidden) and ask who it is
// (SelfSubjectReview). It prints what happened as JSON for tests/test_mini_clientgo.py.

import (
	"context"
	"encoding/json"
	"fmt"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authnclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	coreclient "k8s.io/client-go/kubernetes/typed/core/v1"
	rbacclient "k8s.io/client-go/kubernetes/typed/rbac/v1"
	"k8s.io/client-go/rest"
)

type rbacOutput struct {
	PodsListed       bool     `json:"podsListed"`
	SecretsForbidden bool     `json:"secretsForbidden"`
	SecretsMessage   string   `json:"secretsMessage"`
	Username         string   `json:"username"`
	Groups           []string `json:"groups"`
}

func runRBAC(ctx context.Context, cfg *rest.Config, namespace string) {
	admin := rest.CopyConfig(cfg)
	admin.ContentType = "application/vnd.kubernetes.protobuf"
	core, err := coreclient.NewForConfig(cfg)
	if err != nil {
		fail("%v", err)
	}
	if _, err := core.Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}},
		metav1.CreateOptions{}); err != nil {
		fail("create namespace: %v", err)
	}
	rbac, err := rbacclient.NewForConfig(admin)
	if err != nil {
		fail("%v", err)
	}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "pod-reader"},
		Rules: []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
	if _, err := rbac.Roles(namespace).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		fail("create role: %v", err)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "alice-reads"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: "alice"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"}}
	if _, err := rbac.RoleBindings(namespace).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		fail("create rolebinding: %v", err)
	}

	alice := rest.CopyConfig(cfg)
	alice.Impersonate = rest.ImpersonationConfig{UserName: "alice"}
	asAlice, err := coreclient.NewForConfig(alice)
	if err != nil {
		fail("%v", err)
	}
	out := rbacOutput{}
	_, err = asAlice.Pods(namespace).List(ctx, metav1.ListOptions{})
	out.PodsListed = err == nil
	_, err = asAlice.Secrets(namespace).List(ctx, metav1.ListOptions{})
	out.SecretsForbidden = apierrors.IsForbidden(err)
	if err != nil {
		out.SecretsMessage = err.Error()
	}
	authn, err := authnclient.NewForConfig(alice)
	if err != nil {
		fail("%v", err)
	}
	review, err := authn.SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		fail("whoami: %v", err)
	}
	out.Username, out.Groups = review.Status.UserInfo.Username, review.Status.UserInfo.Groups
	encoded, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(string(encoded))
}
