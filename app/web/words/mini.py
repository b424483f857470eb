"""The mini cluster page's words."""

TEXT: dict[str, tuple[str, str]] = {
    "mini_caption": ("minik8s, the runnable mini-Kubernetes, beside the real code: every object "
                     "below links to the minik8s component that acts on it and the Kubernetes "
                     "function it mirrors.",
                     "minik8s 是可以运行的迷你 Kubernetes，这里把它和真实代码放在一起：下面的每个"
                     "对象都链接到处理它的 minik8s 组件，以及该组件所对应的 Kubernetes 函数。"),
    "mini_start": ("Start `kubeatlas mini up`", "启动 `kubeatlas mini up`"),
    "mini_starting": ("starting the mini cluster …", "正在启动迷你集群 …"),
    "mini_none": ("No mini cluster is running. Start one: an apiserver on 127.0.0.1, a "
                  "controller-manager, a scheduler, two kubelets with simulated containers.",
                  "没有正在运行的迷你集群。启动一个：127.0.0.1 上的 apiserver、一个控制器管理器"
                  "（controller-manager）、一个调度器，以及两个运行模拟容器的 kubelet。"),
    "mini_demo": ("Create the demo Deployment (3 replicas)", "创建示例 Deployment（3 个副本）"),
    "mini_not_created": ("not created: {why}", "未创建：{why}"),
    "mini_stop": ("Stop the cluster", "停止集群"),
    "mini_real": ("real: {name}", "真实代码：{name}"),
    "mini_stopped": ("The mini cluster stopped.", "迷你集群已停止。"),
    "mini_silent": ("the apiserver did not answer ({why})", "apiserver 没有响应（{why}）"),
    "mini_nodes": ("Nodes ({count})", "Node（{count}）"),
    "mini_pods": ("Pods ({count})", "Pod（{count}）"),
    "mini_events": ("Events", "事件"),
    "mini_stream": ("Watch stream (newest first)", "watch 事件流（最新的在前）"),
    "col_name": ("name", "名称"),
    "col_status": ("status", "状态"),
    "col_namespace": ("namespace", "命名空间"),
    "col_reason": ("reason", "原因"),
    "col_object": ("object", "对象"),
    "col_message": ("message", "消息"),
    "col_time": ("time", "时间"),
    "col_kind": ("type", "类型"),
    "col_summary": ("summary", "摘要"),
}
