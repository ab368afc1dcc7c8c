package sim

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
)

func TestShippedProfiles(t *testing.T) {
	files, _ := filepath.Glob("../../profiles/*.yaml")
	want := map[string]bool{"eks-p5.yaml": true, "aks-nda100v4.yaml": true, "onprem-dgx.yaml": true, "cpu-only.yaml": true, "mixed.yaml": true}
	for _, f := range files {
		delete(want, filepath.Base(f))
		p, err := LoadProfile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		nodes := p.BuildNodes()
		if len(nodes) != p.NodeCount() || len(nodes) == 0 {
			t.Fatalf("%s: %d nodes, NodeCount %d", f, len(nodes), p.NodeCount())
		}
		for _, n := range nodes {
			gpus, hasGPU := n.Status.Capacity[GPUResource]
			if hasGPU != (n.Labels["feature.node.kubernetes.io/pci-10de.present"] == "true") {
				t.Fatalf("%s/%s: nvidia.com/gpu capacity and NFD label disagree", f, n.Name)
			}
			if hasGPU && n.Labels["nvidia.com/gpu.count"] != strconv.FormatInt(gpus.Value(), 10) {
				t.Fatalf("%s/%s: gpu.count label %q vs capacity %v", f, n.Name, n.Labels["nvidia.com/gpu.count"], gpus.Value())
			}
			for _, l := range []string{"topology.kubernetes.io/zone", "node.kubernetes.io/instance-type", SimulatedLabel} {
				if n.Labels[l] == "" {
					t.Fatalf("%s/%s: missing label %s", f, n.Name, l)
				}
			}
		}
	}
	if len(want) != 0 {
		t.Fatalf("missing profiles: %v", want)
	}
	p, _ := LoadProfile("../../profiles/eks-p5.yaml")
	n := p.BuildNodes()[0]
	if n.Labels["nvidia.com/gpu.product"] != "NVIDIA-H100-80GB-HBM3" || n.Labels["nvidia.com/gpu.memory"] != "81559" {
		t.Fatalf("eks-p5 first node labels: %v", n.Labels)
	}
}

func TestProfileRejectsUnknownFieldsAndBadPools(t *testing.T) {
	for _, bad := range []string{
		"name: x\nnodePools: [{name: a, count: 1, cpu: '1', memory: 1Gi, gpus: 8}]",
		"name: x\nnodePools: [{name: a, count: 1, cpu: '1'}]",
		"name: x\nnodePools: [{name: a, count: 1, cpu: '1', memory: 1Gi}, {name: a, count: 1, cpu: '1', memory: 1Gi}]",
		"name: x\nnodePools: [{name: a, count: 1, cpu: '1', memory: 1Gi, gpu: {product: X}}]",
	} {
		if _, err := ParseProfile([]byte(bad)); err == nil {
			t.Errorf("accepted invalid profile:\n%s", bad)
		}
	}
}

func TestIPAM(t *testing.T) {
	m := NewIPAM()
	a, _ := m.Allocate("n", "10.128.0.0/30", "ns/a")
	if a != "10.128.0.2" {
		t.Fatalf("first IP %s, want .2 (skipping network and gateway)", a)
	}
	if again, _ := m.Allocate("n", "10.128.0.0/30", "ns/a"); again != a {
		t.Fatalf("re-allocation changed IP: %s", again)
	}
	if _, err := m.Allocate("n", "10.128.0.0/30", "ns/b"); err == nil {
		t.Fatal("allocated the broadcast address of a /30")
	}
	m.Release("ns/a")
	if b, _ := m.Allocate("n", "10.128.0.0/30", "ns/b"); b != "10.128.0.2" {
		t.Fatalf("released IP not reused: %s", b)
	}
	m.Claim("n", "ns/c", "10.128.0.5")
	m.ReleaseNode("n")
	if c, _ := m.Allocate("n", "10.128.0.0/29", "ns/c"); c != "10.128.0.2" {
		t.Fatalf("after ReleaseNode got %s", c)
	}
}

func TestDenyPatterns(t *testing.T) {
	deny := []string{"registry.invalid/*", "*:broken", "docker.io/library/busybox"}
	for image, denied := range map[string]bool{
		"registry.invalid/foundry/app:1.0":     true,
		"ghcr.io/org/app:broken":               true,
		"docker.io/library/busybox:1.36":       true,
		"docker.io/library/busybox@sha256:abc": true,
		"registry.valid/app:1":                 false,
		"localhost:5000/app:1":                 false,
	} {
		if _, got := deniedPattern(image, deny); got != denied {
			t.Errorf("deniedPattern(%q) = %v, want %v", image, got, denied)
		}
	}
}

func TestDesiredStatusIsStableAcrossSyncs(t *testing.T) {
	pod := boundPod("p", "n1", "nginx")
	pod.Spec.Containers[0].ReadinessProbe = &corev1.Probe{InitialDelaySeconds: 5}
	now := time.Unix(1_700_000_000, 0)
	st, next := desiredStatus(podView{pod: pod, hostIP: "10.0.0.2", podIP: "10.128.0.2", now: now})
	if next != 5*time.Second || st.ContainerStatuses[0].Ready {
		t.Fatalf("ready too early (next=%v)", next)
	}
	pod.Status = st
	again, _ := desiredStatus(podView{pod: pod, hostIP: "10.0.0.2", podIP: "10.128.0.2", now: now.Add(time.Second)})
	if again.Conditions[3].LastTransitionTime != st.Conditions[3].LastTransitionTime {
		t.Fatal("unchanged condition got a new transition time")
	}
	later, next := desiredStatus(podView{pod: pod, hostIP: "10.0.0.2", podIP: "10.128.0.2", now: now.Add(5 * time.Second)})
	if !later.ContainerStatuses[0].Ready || next != 0 {
		t.Fatalf("not ready after initialDelaySeconds (next=%v)", next)
	}
}

func TestNodeAgentRenewsLeasesAndSkipsStoppedNodes(t *testing.T) {
	ctx := context.Background()
	cs := fake.NewClientset()
	p, err := LoadProfile("../../profiles/mixed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := RegisterNodes(ctx, cs, p.BuildNodes()); err != nil {
		t.Fatal(err)
	}
	stopped, _ := cs.CoreV1().Nodes().Get(ctx, "cpu-1", metav1.GetOptions{})
	stopped.Annotations = map[string]string{StopHeartbeatAnnotation: "true"}
	if _, err := cs.CoreV1().Nodes().Update(ctx, stopped, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	f := informers.NewSharedInformerFactory(cs, 0)
	lister := f.Core().V1().Nodes().Lister()
	f.Start(ctx.Done())
	f.WaitForCacheSync(ctx.Done())
	a := NewNodeAgent(cs, lister)
	a.Tick(ctx, 2)
	leases, _ := cs.CoordinationV1().Leases(leaseNamespace).List(ctx, metav1.ListOptions{})
	if len(leases.Items) != p.NodeCount()-1 {
		t.Fatalf("%d leases, want %d (all but the stopped node)", len(leases.Items), p.NodeCount()-1)
	}
	for _, l := range leases.Items {
		if l.Name == "cpu-1" || *l.Spec.HolderIdentity != l.Name || l.OwnerReferences[0].Kind != "Node" {
			t.Fatalf("bad lease %+v", l)
		}
	}
	nodes, _ := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	for _, n := range nodes.Items {
		if !statusFresh(&n, time.Now()) {
			t.Fatalf("node %s not Ready after registration", n.Name)
		}
	}
	if RenewInterval(5) != 10*time.Second || RenewInterval(100000) != 40*time.Second {
		t.Fatal("RenewInterval bounds")
	}
}
