// Package sim simulates the kubelets of GPU nodes: it registers nodes from a
// profile, keeps their leases fresh, and moves pods bound to them through
// their lifecycle, so controllers and clients see a working cluster.
package sim

import (
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Profile describes the simulated nodes of one sandbox cluster.
type Profile struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Region is used for topology.kubernetes.io/region when a pool has none.
	Region string `json:"region,omitempty"`
	// ImagePullDenyList holds image globs ("*" matches anything) whose pulls
	// fail, so tests can exercise ErrImagePull/ImagePullBackOff.
	ImagePullDenyList []string   `json:"imagePullDenyList,omitempty"`
	NodePools         []NodePool `json:"nodePools"`
}

// NodePool is a group of identical nodes.
type NodePool struct {
	Name             string            `json:"name"`
	Count            int               `json:"count"`
	InstanceType     string            `json:"instanceType"`
	Region           string            `json:"region,omitempty"`
	Zones            []string          `json:"zones,omitempty"` // nodes are spread round-robin
	CPU              string            `json:"cpu"`             // e.g. "192"
	Memory           string            `json:"memory"`          // e.g. "2048Gi"
	EphemeralStorage string            `json:"ephemeralStorage,omitempty"`
	Pods             int               `json:"pods,omitempty"` // default 110
	GPU              *GPU              `json:"gpu,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`
	Taints           []corev1.Taint    `json:"taints,omitempty"`
}

// GPU mirrors what NVIDIA GPU feature discovery reports for a node.
type GPU struct {
	Product   string `json:"product"`   // nvidia.com/gpu.product
	MemoryMiB int    `json:"memoryMiB"` // nvidia.com/gpu.memory
	Count     int    `json:"count"`     // nvidia.com/gpu.count and capacity
	Family    string `json:"family,omitempty"`
}

// LoadProfile reads and validates a profile file.
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseProfile(b)
}

// ParseProfile parses and validates profile YAML. Unknown fields are errors
// so that typos in hand-written profiles do not silently drop settings.
func ParseProfile(b []byte) (*Profile, error) {
	var p Profile
	if err := yaml.UnmarshalStrict(b, &p); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	seen := map[string]bool{}
	for i := range p.NodePools {
		np := &p.NodePools[i]
		if np.Name == "" {
			return nil, fmt.Errorf("profile %q: node pool %d has no name", p.Name, i)
		}
		if seen[np.Name] {
			return nil, fmt.Errorf("profile %q: duplicate node pool %q", p.Name, np.Name)
		}
		seen[np.Name] = true
		if np.Count < 0 {
			return nil, fmt.Errorf("profile %q: pool %q: negative count", p.Name, np.Name)
		}
		if np.CPU == "" || np.Memory == "" {
			return nil, fmt.Errorf("profile %q: pool %q: cpu and memory are required", p.Name, np.Name)
		}
		if np.Pods == 0 {
			np.Pods = 110
		}
		if np.EphemeralStorage == "" {
			np.EphemeralStorage = "500Gi"
		}
		if np.Region == "" {
			np.Region = p.Region
		}
		if np.GPU != nil && (np.GPU.Count <= 0 || np.GPU.Product == "") {
			return nil, fmt.Errorf("profile %q: pool %q: gpu needs product and count", p.Name, np.Name)
		}
	}
	return &p, nil
}

// NodeCount is the total number of nodes the profile creates.
func (p *Profile) NodeCount() int {
	n := 0
	for _, np := range p.NodePools {
		n += np.Count
	}
	return n
}
