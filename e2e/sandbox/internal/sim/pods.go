package sim

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

const nodeIndex = "sandbox.foundry.dev/node"

// PodSimulator is the kubelet + container runtime of every simulated node:
// it gives bound pods an IP and a Running/Ready status (honouring probe
// initial delays), fails pulls of deny-listed images, finishes deleting
// terminating pods, and deletes pods whose node is gone so that their
// controllers reschedule them (what PodGC does, without its 40 s wait).
type PodSimulator struct {
	cs       kubernetes.Interface
	pods     corelisters.PodLister
	podIdx   cache.Indexer
	nodes    corelisters.NodeLister
	queue    workqueue.TypedRateLimitingInterface[string]
	ipam     *IPAM
	deny     []string
	recorder record.EventRecorder
	now      func() time.Time
}

// NewPodSimulator wires handlers into the informers; call before they start.
func NewPodSimulator(cs kubernetes.Interface, pods coreinformers.PodInformer, nodes coreinformers.NodeInformer,
	deny []string, recorder record.EventRecorder) (*PodSimulator, error) {
	s := &PodSimulator{
		cs: cs, pods: pods.Lister(), podIdx: pods.Informer().GetIndexer(), nodes: nodes.Lister(),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "sandbox-pods"}),
		ipam: NewIPAM(), deny: deny, recorder: recorder, now: time.Now,
	}
	err := pods.Informer().AddIndexers(cache.Indexers{nodeIndex: func(obj interface{}) ([]string, error) {
		if p, ok := obj.(*corev1.Pod); ok && p.Spec.NodeName != "" {
			return []string{p.Spec.NodeName}, nil
		}
		return nil, nil
	}})
	if err != nil {
		return nil, err
	}
	_, err = pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    s.enqueuePod,
		UpdateFunc: func(_, obj interface{}) { s.enqueuePod(obj) },
		DeleteFunc: func(obj interface{}) {
			if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
				s.ipam.Release(key)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	_, err = nodes.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(old, obj interface{}) {
			// Pods waiting for the node's podCIDR can proceed now.
			if o, n := old.(*corev1.Node), obj.(*corev1.Node); o.Spec.PodCIDR != n.Spec.PodCIDR {
				s.enqueueNodePods(n.Name)
			}
		},
		DeleteFunc: func(obj interface{}) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if n, ok := obj.(*corev1.Node); ok {
				s.ipam.ReleaseNode(n.Name)
				s.enqueueNodePods(n.Name)
			}
		},
	})
	return s, err
}

func (s *PodSimulator) enqueuePod(obj interface{}) {
	if p, ok := obj.(*corev1.Pod); ok && p.Spec.NodeName != "" {
		if key, err := cache.MetaNamespaceKeyFunc(p); err == nil {
			s.queue.Add(key)
		}
	}
}

func (s *PodSimulator) enqueueNodePods(node string) {
	objs, _ := s.podIdx.ByIndex(nodeIndex, node)
	for _, o := range objs {
		s.enqueuePod(o)
	}
}

// Run processes pods with the given number of workers until ctx ends.
func (s *PodSimulator) Run(ctx context.Context, workers int) {
	defer utilruntime.HandleCrash()
	go func() { <-ctx.Done(); s.queue.ShutDown() }()
	for i := 0; i < workers; i++ {
		go wait.UntilWithContext(ctx, func(ctx context.Context) {
			for s.processNext(ctx) {
			}
		}, time.Second)
	}
	<-ctx.Done()
}

func (s *PodSimulator) processNext(ctx context.Context) bool {
	key, quit := s.queue.Get()
	if quit {
		return false
	}
	defer s.queue.Done(key)
	requeue, err := s.Sync(ctx, key)
	switch {
	case err != nil:
		klog.V(2).InfoS("pod sync failed, retrying", "pod", key, "err", err)
		s.queue.AddRateLimited(key)
	default:
		s.queue.Forget(key)
		if requeue > 0 {
			s.queue.AddAfter(key, requeue)
		}
	}
	return true
}

// Sync brings one pod one step closer to its simulated state and returns
// when it should be looked at again.
func (s *PodSimulator) Sync(ctx context.Context, key string) (time.Duration, error) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	pod, err := s.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		s.ipam.Release(key)
		return 0, nil
	}
	if err != nil || pod.Spec.NodeName == "" {
		return 0, err
	}
	node, err := s.nodes.Get(pod.Spec.NodeName)
	if apierrors.IsNotFound(err) {
		return 0, s.forceDelete(ctx, pod, "NodeDeleted", fmt.Sprintf("node %s was deleted", pod.Spec.NodeName))
	}
	if err != nil || !isSimulated(node) {
		return 0, err
	}
	if pod.DeletionTimestamp != nil {
		// Containers "stop" instantly, so the kubelet's final delete follows.
		return 0, s.forceDelete(ctx, pod, "", "")
	}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		s.ipam.Release(key)
		return 0, nil
	}
	podIP, hostIP := pod.Status.PodIP, internalIP(node)
	switch {
	case pod.Spec.HostNetwork:
		podIP = hostIP
	case podIP != "":
		s.ipam.Claim(node.Name, key, podIP)
	case node.Spec.PodCIDR == "":
		return 0, nil // re-queued by the node handler once IPAM assigns it
	default:
		if podIP, err = s.ipam.Allocate(node.Name, node.Spec.PodCIDR, key); err != nil {
			return 0, err
		}
	}
	want, next := desiredStatus(podView{pod: pod, hostIP: hostIP, podIP: podIP, deny: s.deny,
		now: s.now().Truncate(time.Second)})
	if apiequality.Semantic.DeepEqual(pod.Status, want) {
		return next, nil
	}
	upd := pod.DeepCopy()
	upd.Status = want
	if _, err := s.cs.CoreV1().Pods(ns).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return 0, err
	}
	s.recordPullEvents(pod, want)
	return next, nil
}

func (s *PodSimulator) forceDelete(ctx context.Context, pod *corev1.Pod, reason, msg string) error {
	if reason != "" && s.recorder != nil {
		s.recorder.Event(pod, corev1.EventTypeWarning, reason, msg)
	}
	err := s.cs.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr.To[int64](0),
		Preconditions:      &metav1.Preconditions{UID: &pod.UID},
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil // already gone, or replaced by a new pod of the same name
	}
	if err == nil {
		s.ipam.Release(pod.Namespace + "/" + pod.Name)
	}
	return err
}

// recordPullEvents emits the kubelet's events when a pull starts failing.
func (s *PodSimulator) recordPullEvents(old *corev1.Pod, st corev1.PodStatus) {
	if s.recorder == nil {
		return
	}
	for _, c := range st.ContainerStatuses {
		if c.State.Waiting == nil {
			continue
		}
		prev := ""
		for _, o := range old.Status.ContainerStatuses {
			if o.Name == c.Name && o.State.Waiting != nil {
				prev = o.State.Waiting.Reason
			}
		}
		switch {
		case c.State.Waiting.Reason == "ErrImagePull" && prev != "ErrImagePull":
			s.recorder.Event(old, corev1.EventTypeWarning, "Failed", c.State.Waiting.Message)
		case c.State.Waiting.Reason == "ImagePullBackOff" && prev != "ImagePullBackOff":
			s.recorder.Event(old, corev1.EventTypeNormal, "BackOff", c.State.Waiting.Message)
		}
	}
}
