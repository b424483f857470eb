// Command miniclientgo drives a minik8s cluster with the real client-go: shared informers on
// Pods, Deployments and ReplicaSets, a scripted create/scale/update/delete through the typed
// clientset, then it prints the informer caches as JSON (name -> resourceVersion per kind).
//
// tests/test_mini_clientgo.py builds it and compares the caches with the server's lists.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	appsclient "k8s.io/client-go/kubernetes/typed/apps/v1"
	coreclient "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
)

type output struct {
	Steps       []string          `json:"steps"`
	Pods        map[string]string `json:"pods"`
	Deployments map[string]string `json:"deployments"`
	ReplicaSets map[string]string `json:"replicasets"`
	Events      int64             `json:"events"`
}

func config(server, token, kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		return clientcmd.BuildConfigFromFlags(server, kubeconfig)
	}
	return &rest.Config{Host: server, BearerToken: token}, nil
}

func deployment(name, image string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: image}}},
			},
		},
	}
}

func keys(store cache.Store) map[string]string {
	found := map[string]string{}
	for _, item := range store.List() {
		m, err := metaOf(item)
		if err == nil {
			found[m.GetName()] = m.GetResourceVersion()
		}
	}
	return found
}

func metaOf(item interface{}) (metav1.Object, error) {
	m, ok := item.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("not an object: %T", item)
	}
	return m, nil
}

// informer is what a SharedInformerFactory builds for one resource: a shared index informer over list+watch.
func informer(obj runtime.Object, list cache.ListFunc, watchFunc cache.WatchFunc) cache.SharedIndexInformer {
	return cache.NewSharedIndexInformer(&cache.ListWatch{ListFunc: list, WatchFunc: watchFunc}, obj, 0,
		cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "miniclientgo: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	server := flag.String("server", "", "the apiserver URL")
	token := flag.String("token", "", "a bearer token")
	kubeconfig := flag.String("kubeconfig", "", "a kubeconfig file (instead of -server/-token)")
	namespace := flag.String("namespace", "clientgo", "the namespace the script works in")
	timeout := flag.Duration("timeout", 60*time.Second, "how long the whole script may take")
	rbacScript := flag.Bool("rbac", false, "run the RBAC script (rbac.go) instead of the informer script")
	flag.Parse()

	cfg, err := config(*server, *token, *kubeconfig)
	if err != nil {
		fail("%v", err)
	}
	if *rbacScript {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		runRBAC(ctx, cfg, *namespace)
		return
	}
	// The typed clients of two groups, not the whole clientset: a much smaller build.
	core, err := coreclient.NewForConfig(cfg)
	if err != nil {
		fail("%v", err)
	}
	apps, err := appsclient.NewForConfig(cfg)
	if err != nil {
		fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	out := output{}
	step := func(s string) { out.Steps = append(out.Steps, s) }

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: *namespace}}
	if _, err := core.Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		fail("create namespace: %v", err)
	}

	var events int64
	count := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(interface{}) { atomic.AddInt64(&events, 1) },
		UpdateFunc: func(interface{}, interface{}) { atomic.AddInt64(&events, 1) },
		DeleteFunc: func(interface{}) { atomic.AddInt64(&events, 1) },
	}
	pods := informer(&corev1.Pod{},
		func(o metav1.ListOptions) (runtime.Object, error) { return core.Pods(*namespace).List(ctx, o) },
		func(o metav1.ListOptions) (watch.Interface, error) { return core.Pods(*namespace).Watch(ctx, o) })
	deploys := informer(&appsv1.Deployment{},
		func(o metav1.ListOptions) (runtime.Object, error) { return apps.Deployments(*namespace).List(ctx, o) },
		func(o metav1.ListOptions) (watch.Interface, error) { return apps.Deployments(*namespace).Watch(ctx, o) })
	replicaSets := informer(&appsv1.ReplicaSet{},
		func(o metav1.ListOptions) (runtime.Object, error) { return apps.ReplicaSets(*namespace).List(ctx, o) },
		func(o metav1.ListOptions) (watch.Interface, error) { return apps.ReplicaSets(*namespace).Watch(ctx, o) })
	for _, inf := range []cache.SharedIndexInformer{pods, deploys, replicaSets} {
		if _, err := inf.AddEventHandler(count); err != nil {
			fail("add handler: %v", err)
		}
		go inf.Run(ctx.Done())
	}
	if !cache.WaitForCacheSync(ctx.Done(), pods.HasSynced, deploys.HasSynced, replicaSets.HasSynced) {
		fail("the informer caches did not sync")
	}
	step("informers synced")

	deployments := apps.Deployments(*namespace)
	_, err = deployments.Create(ctx, deployment("web", "nginx:1.25", 2), metav1.CreateOptions{})
	if err != nil {
		fail("create web: %v", err)
	}
	step("created deployment web (2 replicas)")
	if _, err := deployments.Create(ctx, deployment("doomed", "busybox:1.36", 1), metav1.CreateOptions{}); err != nil {
		fail("create doomed: %v", err)
	}
	step("created deployment doomed (1 replica)")

	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		scale, err := deployments.GetScale(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return err
		}
		scale.Spec.Replicas = 3
		_, err = deployments.UpdateScale(ctx, "web", scale, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		fail("update scale: %v", err)
	}
	step("scaled web to 3")

	// A rollout needs a first ReplicaSet to roll from: the deployment controller works
	// asynchronously, and one that first looks at web after the image update creates only the
	// new template's ReplicaSet (kube-controller-manager does the same). Wait until it has
	// observed this generation, which it records only after creating the ReplicaSet for it.
	err = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		d, err := deployments.Get(ctx, "web", metav1.GetOptions{})
		return err == nil && d.Status.ObservedGeneration >= d.Generation, nil
	})
	if err != nil {
		fail("the deployment controller never observed web: %v", err)
	}
	step("web's first ReplicaSet created")

	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, err := deployments.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return err
		}
		d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26"
		_, err = deployments.Update(ctx, d, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		fail("update image: %v", err)
	}
	step("updated web's image to nginx:1.26")

	background := metav1.DeletePropagationBackground
	if err := deployments.Delete(ctx, "doomed", metav1.DeleteOptions{PropagationPolicy: &background}); err != nil {
		fail("delete doomed: %v", err)
	}
	step("deleted deployment doomed")

	// Wait until the rollout is done, doomed's pods are gone and the caches stop changing.
	last, quietSince := int64(-1), time.Now()
	err = wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		d, err := deployments.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		done := d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas == 3 &&
			d.Status.Replicas == 3 && d.Status.AvailableReplicas == 3 && len(pods.GetStore().List()) == 3
		now := atomic.LoadInt64(&events)
		if now != last {
			last, quietSince = now, time.Now()
		}
		return done && time.Since(quietSince) > 1500*time.Millisecond, nil
	})
	if err != nil {
		fail("the cluster did not settle: %v", err)
	}
	step("rollout complete, caches quiet")

	out.Pods, out.Deployments, out.ReplicaSets = keys(pods.GetStore()), keys(deploys.GetStore()), keys(replicaSets.GetStore())
	out.Events = atomic.LoadInt64(&events)
	encoded, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(string(encoded))
}
