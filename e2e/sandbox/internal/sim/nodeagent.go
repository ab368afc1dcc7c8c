package sim

import (
	"context"
	"math/rand"
	"sync"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

const (
	leaseNamespace       = "kube-node-lease"
	leaseDurationSeconds = 40
	// Kubelets re-post unchanged node status every 5 minutes
	// (nodeStatusReportFrequency); liveness itself comes from the lease.
	statusReportInterval = 5 * time.Minute
)

// RegisterNodes creates the nodes (existing ones are kept, so a restart with
// the same --data-dir is idempotent). Creation runs on a few workers because
// large profiles are the point of the scale measurements.
func RegisterNodes(ctx context.Context, cs kubernetes.Interface, nodes []*corev1.Node) error {
	now := metav1.Now()
	work := make(chan *corev1.Node)
	errs := make(chan error, len(nodes))
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				n = n.DeepCopy()
				n.Status.Conditions = readyConditions(now)
				_, err := cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{})
				if err != nil && !apierrors.IsAlreadyExists(err) {
					errs <- err
				}
			}
		}()
	}
	for _, n := range nodes {
		work <- n
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs // nil when the channel is empty
}

// NodeAgent plays the kubelet's node-level duties for every simulated node:
// lease renewal and Ready status.
type NodeAgent struct {
	cs    kubernetes.Interface
	nodes corelisters.NodeLister

	mu        sync.Mutex
	lastRenew map[string]time.Time
	leases    map[string]*coordv1.Lease
}

// NewNodeAgent returns an agent reading nodes from the given lister.
func NewNodeAgent(cs kubernetes.Interface, nodes corelisters.NodeLister) *NodeAgent {
	return &NodeAgent{cs: cs, nodes: nodes, lastRenew: map[string]time.Time{}, leases: map[string]*coordv1.Lease{}}
}

// RenewInterval spreads lease writes as the fleet grows: kubelets renew
// every 10 s, but thousands of simulated nodes doing so would spend the
// sandbox's two cores on lease writes. 40 s stays well inside the 90 s
// node-monitor-grace-period the sandbox gives the controller-manager.
func RenewInterval(nodes int) time.Duration {
	d := time.Duration(nodes) * 25 * time.Millisecond
	return min(max(d, 10*time.Second), 40*time.Second)
}

// Run ticks every second and renews what is due, until ctx ends.
func (a *NodeAgent) Run(ctx context.Context, workers int) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		a.Tick(ctx, workers)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick performs one round of due lease renewals and status posts.
func (a *NodeAgent) Tick(ctx context.Context, workers int) {
	all, err := a.nodes.List(labels.SelectorFromSet(labels.Set{SimulatedLabel: "true"}))
	if err != nil {
		return
	}
	interval := RenewInterval(len(all))
	now := time.Now()
	work := make(chan *corev1.Node)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				a.syncNode(ctx, n, interval)
			}
		}()
	}
	for _, n := range all {
		if n.Annotations[StopHeartbeatAnnotation] == "true" || n.DeletionTimestamp != nil {
			continue
		}
		a.mu.Lock()
		due := now.Sub(a.lastRenew[n.Name]) >= interval
		a.mu.Unlock()
		if due || !statusFresh(n, now) {
			work <- n
		}
	}
	close(work)
	wg.Wait()
}

func (a *NodeAgent) syncNode(ctx context.Context, n *corev1.Node, interval time.Duration) {
	now := time.Now()
	if !statusFresh(n, now) {
		upd := n.DeepCopy()
		upd.Status.Conditions = readyConditions(metav1.NewTime(now))
		if _, err := a.cs.CoreV1().Nodes().UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
			klog.V(2).InfoS("node status update failed", "node", n.Name, "err", err)
		}
	}
	if err := a.renewLease(ctx, n, now); err != nil {
		klog.V(2).InfoS("lease renewal failed", "node", n.Name, "err", err)
		return
	}
	a.mu.Lock()
	if _, seen := a.lastRenew[n.Name]; seen {
		a.lastRenew[n.Name] = now
	} else {
		// Nodes registered together would otherwise renew together forever,
		// a burst of thousands of writes every interval; real kubelets are
		// spread out. Backdating the first renewal by a random part of the
		// interval spreads the schedule evenly.
		a.lastRenew[n.Name] = now.Add(-time.Duration(rand.Int63n(int64(interval))))
	}
	a.mu.Unlock()
}

// statusFresh is false when the node is not Ready=True (new, adopted, or
// recovering after its heartbeat was stopped) or its status is old.
func statusFresh(n *corev1.Node, now time.Time) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue && now.Sub(c.LastHeartbeatTime.Time) < statusReportInterval
		}
	}
	return false
}

func (a *NodeAgent) renewLease(ctx context.Context, n *corev1.Node, now time.Time) error {
	leases := a.cs.CoordinationV1().Leases(leaseNamespace)
	a.mu.Lock()
	l := a.leases[n.Name]
	a.mu.Unlock()
	if l == nil {
		got, err := leases.Get(ctx, n.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			l = nil
		case err != nil:
			return err
		default:
			l = got
		}
	}
	var err error
	if l == nil {
		l, err = leases.Create(ctx, newLease(n, now), metav1.CreateOptions{})
	} else {
		l = l.DeepCopy()
		l.Spec.RenewTime = &metav1.MicroTime{Time: now}
		l, err = leases.Update(ctx, l, metav1.UpdateOptions{})
	}
	a.mu.Lock()
	if err != nil {
		delete(a.leases, n.Name) // re-read next time (conflict or deleted)
	} else {
		a.leases[n.Name] = l
	}
	a.mu.Unlock()
	return err
}

// newLease mirrors the kubelet's lease, including the owner reference that
// lets the garbage collector remove it when the node is deleted.
func newLease(n *corev1.Node, now time.Time) *coordv1.Lease {
	return &coordv1.Lease{
		ObjectMeta: metav1.ObjectMeta{
			Name: n.Name, Namespace: leaseNamespace,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: n.Name, UID: n.UID}},
		},
		Spec: coordv1.LeaseSpec{
			HolderIdentity:       ptr.To(n.Name),
			LeaseDurationSeconds: ptr.To[int32](leaseDurationSeconds),
			RenewTime:            &metav1.MicroTime{Time: now},
		},
	}
}

// Forget drops cached state of a deleted node.
func (a *NodeAgent) Forget(name string) {
	a.mu.Lock()
	delete(a.leases, name)
	delete(a.lastRenew, name)
	a.mu.Unlock()
}
