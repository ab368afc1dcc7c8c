package sim

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// SimulatedLabel marks nodes whose kubelet this process plays. Nodes
	// created through the API with this label are adopted too.
	SimulatedLabel = "sandbox.foundry.dev/simulated"
	// PoolLabel names the profile pool a node came from.
	PoolLabel = "sandbox.foundry.dev/pool"
	// StopHeartbeatAnnotation ("true") makes the simulator stop renewing the
	// node's lease, so the node lifecycle controller marks it NotReady —
	// the way a crashed kubelet looks.
	StopHeartbeatAnnotation = "sandbox.foundry.dev/stop-heartbeat"
	GPUResource             = corev1.ResourceName("nvidia.com/gpu")
	kubeletVersion          = "v1.33.13"
)

// BuildNodes returns the Node objects a profile describes. Node i of the
// whole profile gets InternalIP 10.0.(i/250).(i%250+2): a private range that
// overlaps neither the service nor the pod CIDR and is never dialled.
func (p *Profile) BuildNodes() []*corev1.Node {
	var nodes []*corev1.Node
	idx := 0
	for _, np := range p.NodePools {
		for i := 0; i < np.Count; i++ {
			nodes = append(nodes, np.node(fmt.Sprintf("%s-%d", np.Name, i), i, idx))
			idx++
		}
	}
	return nodes
}

func (np *NodePool) node(name string, i, global int) *corev1.Node {
	labels := map[string]string{
		"kubernetes.io/hostname":           name,
		"kubernetes.io/os":                 "linux",
		"kubernetes.io/arch":               "amd64",
		"node.kubernetes.io/instance-type": np.InstanceType,
		SimulatedLabel:                     "true",
		PoolLabel:                          np.Name,
	}
	if np.Region != "" {
		labels["topology.kubernetes.io/region"] = np.Region
	}
	if len(np.Zones) > 0 {
		labels["topology.kubernetes.io/zone"] = np.Zones[i%len(np.Zones)]
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse(np.CPU),
		corev1.ResourceMemory:           resource.MustParse(np.Memory),
		corev1.ResourcePods:             *resource.NewQuantity(int64(np.Pods), resource.DecimalSI),
		corev1.ResourceEphemeralStorage: resource.MustParse(np.EphemeralStorage),
	}
	if g := np.GPU; g != nil {
		// Labels written by NFD (PCI vendor 10de = NVIDIA) and by the GPU
		// operator's feature discovery, which schedulers and UIs key on.
		labels["feature.node.kubernetes.io/pci-10de.present"] = "true"
		labels["nvidia.com/gpu.present"] = "true"
		labels["nvidia.com/gpu.product"] = g.Product
		labels["nvidia.com/gpu.memory"] = strconv.Itoa(g.MemoryMiB)
		labels["nvidia.com/gpu.count"] = strconv.Itoa(g.Count)
		if g.Family != "" {
			labels["nvidia.com/gpu.family"] = g.Family
		}
		capacity[GPUResource] = *resource.NewQuantity(int64(g.Count), resource.DecimalSI)
	}
	for k, v := range np.Labels {
		labels[k] = v
	}
	ip := fmt.Sprintf("10.0.%d.%d", global/250, global%250+2)
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec:       corev1.NodeSpec{Taints: append([]corev1.Taint(nil), np.Taints...)},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity.DeepCopy(),
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: ip},
				{Type: corev1.NodeHostName, Address: name},
			},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion:          kubeletVersion,
				KubeProxyVersion:        kubeletVersion,
				ContainerRuntimeVersion: "containerd://1.7.27-simulated",
				OSImage:                 "Foundry kube-sandbox simulated node",
				KernelVersion:           "6.1.0-simulated",
				OperatingSystem:         "linux",
				Architecture:            "amd64",
				MachineID:               fmt.Sprintf("%032x", global+1),
				SystemUUID:              fmt.Sprintf("00000000-0000-0000-0000-%012x", global+1),
				BootID:                  fmt.Sprintf("boot-%d", global+1),
			},
			Phase: corev1.NodeRunning,
		},
	}
}

// readyConditions is what a healthy kubelet reports.
func readyConditions(now metav1.Time) []corev1.NodeCondition {
	c := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg,
			LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return []corev1.NodeCondition{
		c(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		c(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		c(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		c(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status (simulated)"),
	}
}

func isSimulated(n *corev1.Node) bool { return n.Labels[SimulatedLabel] == "true" }

func internalIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}
