package sim

import (
	"context"
	"net/netip"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"
)

// harness runs the pod simulator against client-go's fake clientset.
type harness struct {
	t   *testing.T
	ctx context.Context
	cs  *fake.Clientset
	rec *record.FakeRecorder
}

func newHarness(t *testing.T, deny []string, objs ...*corev1.Node) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cs := fake.NewClientset()
	for _, n := range objs {
		if _, err := cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	f := informers.NewSharedInformerFactory(cs, 0)
	rec := record.NewFakeRecorder(100)
	s, err := NewPodSimulator(cs, f.Core().V1().Pods(), f.Core().V1().Nodes(), deny, rec)
	if err != nil {
		t.Fatal(err)
	}
	f.Start(ctx.Done())
	f.WaitForCacheSync(ctx.Done())
	go s.Run(ctx, 2)
	return &harness{t: t, ctx: ctx, cs: cs, rec: rec}
}

func simNode(name, cidr string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{SimulatedLabel: "true"}},
		Spec:       corev1.NodeSpec{PodCIDR: cidr},
		Status:     corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.2"}}},
	}
}

func boundPod(name, node, image string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + "name"},
		Spec:       corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "main", Image: image}}},
		Status:     corev1.PodStatus{Phase: corev1.PodPending},
	}
}

// waitPod polls until cond holds for the pod (nil pod = deleted).
func (h *harness) waitPod(name string, timeout time.Duration, cond func(*corev1.Pod) bool) *corev1.Pod {
	h.t.Helper()
	var last *corev1.Pod
	err := wait.PollUntilContextTimeout(h.ctx, 20*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		p, err := h.cs.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			last = nil
			return cond(nil), nil
		}
		last = p
		return err == nil && cond(p), nil
	})
	if err != nil {
		h.t.Fatalf("pod %s: condition not met within %v; last status: %+v", name, timeout, last)
	}
	return last
}

func podReady(p *corev1.Pod) bool {
	if p == nil || p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func TestPodBecomesRunningAndReadyWithIPFromPodCIDR(t *testing.T) {
	h := newHarness(t, nil, simNode("n1", "10.128.5.0/24"))
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, boundPod("web", "n1", "nginx:1.27"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := h.waitPod("web", 5*time.Second, podReady)
	ip := netip.MustParseAddr(p.Status.PodIP)
	if !netip.MustParsePrefix("10.128.5.0/24").Contains(ip) || ip.String() == "10.128.5.1" {
		t.Fatalf("pod IP %s not a usable address of the node's podCIDR", ip)
	}
	if p.Status.HostIP != "10.0.0.2" || len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].State.Running == nil {
		t.Fatalf("unexpected status: %+v", p.Status)
	}
}

func TestReadinessProbeInitialDelayIsHonoured(t *testing.T) {
	h := newHarness(t, nil, simNode("n1", "10.128.5.0/24"))
	pod := boundPod("slow", "n1", "nginx:1.27")
	pod.Spec.Containers[0].ReadinessProbe = &corev1.Probe{InitialDelaySeconds: 2}
	start := time.Now()
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := h.waitPod("slow", 5*time.Second, func(p *corev1.Pod) bool { return p != nil && p.Status.Phase == corev1.PodRunning })
	if podReady(p) {
		t.Fatal("pod Ready before its readiness probe's initialDelaySeconds")
	}
	h.waitPod("slow", 6*time.Second, podReady)
	// Status times have 1 s resolution, so allow one second of slack.
	if took := time.Since(start); took < time.Second {
		t.Fatalf("became Ready after %v, want about 2s", took)
	}
}

func TestDenyListedImageFailsWithImagePullBackOff(t *testing.T) {
	h := newHarness(t, []string{"registry.invalid/*"}, simNode("n1", "10.128.5.0/24"))
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, boundPod("bad", "n1", "registry.invalid/app:1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waiting := func(reason string) func(*corev1.Pod) bool {
		return func(p *corev1.Pod) bool {
			return p != nil && len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].State.Waiting != nil &&
				p.Status.ContainerStatuses[0].State.Waiting.Reason == reason
		}
	}
	h.waitPod("bad", 3*time.Second, waiting("ErrImagePull"))
	p := h.waitPod("bad", 6*time.Second, waiting("ImagePullBackOff"))
	if p.Status.Phase != corev1.PodPending || podReady(p) {
		t.Fatalf("failed pull must leave the pod Pending and not Ready: %+v", p.Status)
	}
}

func TestPodsOfDeletedNodeAreDeleted(t *testing.T) {
	h := newHarness(t, nil, simNode("n1", "10.128.5.0/24"))
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, boundPod("web", "n1", "nginx:1.27"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitPod("web", 5*time.Second, podReady)
	if err := h.cs.CoreV1().Nodes().Delete(h.ctx, "n1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitPod("web", 5*time.Second, func(p *corev1.Pod) bool { return p == nil })
}

func TestTerminatingPodIsRemoved(t *testing.T) {
	h := newHarness(t, nil, simNode("n1", "10.128.5.0/24"))
	pod := boundPod("old", "n1", "nginx:1.27")
	now := metav1.Now()
	pod.DeletionTimestamp = &now
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitPod("old", 5*time.Second, func(p *corev1.Pod) bool { return p == nil })
}

func TestPodOnNodeWithoutPodCIDRWaitsForIt(t *testing.T) {
	h := newHarness(t, nil, simNode("n1", ""))
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, boundPod("web", "n1", "nginx:1.27"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if p, _ := h.cs.CoreV1().Pods("default").Get(h.ctx, "web", metav1.GetOptions{}); p.Status.PodIP != "" {
		t.Fatalf("pod got IP %s before the node had a podCIDR", p.Status.PodIP)
	}
	n, _ := h.cs.CoreV1().Nodes().Get(h.ctx, "n1", metav1.GetOptions{})
	n.Spec.PodCIDR = "10.128.9.0/24"
	if _, err := h.cs.CoreV1().Nodes().Update(h.ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitPod("web", 5*time.Second, podReady)
}

func TestSucceedAfterAnnotationCompletesPod(t *testing.T) {
	h := newHarness(t, nil, simNode("n1", "10.128.5.0/24"))
	pod := boundPod("job", "n1", "busybox:1.36")
	pod.Annotations = map[string]string{SucceedAfterAnnotation: "1s"}
	if _, err := h.cs.CoreV1().Pods("default").Create(h.ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitPod("job", 5*time.Second, func(p *corev1.Pod) bool { return p != nil && p.Status.Phase == corev1.PodSucceeded })
}
