package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	"foundry.dev/e2e/sandbox/internal/forward"
	"foundry.dev/e2e/sandbox/internal/sim"
)

// startSimulation registers the profile's nodes and starts the node agent,
// the pod simulator and the forward dialer's pod index. It returns once
// every profile node is Ready with a podCIDR and the default namespace has
// its service account, i.e. once a Deployment applied now would roll out.
func startSimulation(ctx context.Context, cfg *rest.Config, profile *sim.Profile, deny []string, dialer *forward.Dialer) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(cs, 0)
	podInf, nodeInf := factory.Core().V1().Pods(), factory.Core().V1().Nodes()
	if _, err := podInf.Informer().AddEventHandler(dialer.Handler()); err != nil {
		return err
	}
	broadcaster := record.NewBroadcaster(record.WithContext(ctx))
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
	go func() { <-ctx.Done(); broadcaster.Shutdown() }()
	recorder := broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "kubelet", Host: "kube-sandbox"})

	podSim, err := sim.NewPodSimulator(cs, podInf, nodeInf, deny, recorder)
	if err != nil {
		return err
	}
	agent := sim.NewNodeAgent(cs, nodeInf.Lister())
	if _, err := nodeInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		DeleteFunc: func(obj interface{}) {
			if n, ok := obj.(*corev1.Node); ok {
				agent.Forget(n.Name)
			}
		},
	}); err != nil {
		return err
	}

	var nodes []*corev1.Node
	if profile != nil {
		nodes = profile.BuildNodes()
		if err := sim.RegisterNodes(ctx, cs, nodes); err != nil {
			return fmt.Errorf("register nodes: %w", err)
		}
	}
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("informer %v did not sync", typ)
		}
	}
	go podSim.Run(ctx, 4)
	go agent.Run(ctx, 4)
	return waitClusterUsable(ctx, cs, nodeInf.Lister().List, len(nodes))
}

func waitClusterUsable(ctx context.Context, cs kubernetes.Interface, listNodes func(labels.Selector) ([]*corev1.Node, error), want int) error {
	var status string
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		nodes, err := listNodes(labels.SelectorFromSet(labels.Set{sim.SimulatedLabel: "true"}))
		if err != nil {
			return false, nil
		}
		ready := 0
		for _, n := range nodes {
			if n.Spec.PodCIDR != "" && nodeReady(n) {
				ready++
			}
		}
		status = fmt.Sprintf("%d/%d nodes ready with podCIDR", ready, want)
		if ready < want {
			return false, nil
		}
		_, err = cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			status = "waiting for default service account"
			return false, nil
		}
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("cluster not usable: %v (%s)", err, status)
	}
	return nil
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
