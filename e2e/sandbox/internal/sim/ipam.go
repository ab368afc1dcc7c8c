package sim

import (
	"fmt"
	"net/netip"
	"sync"
)

// IPAM hands out pod IPs from each node's podCIDR (allocated by the
// controller-manager's node IPAM controller), like a host-local CNI plugin.
type IPAM struct {
	mu     sync.Mutex
	byNode map[string]map[netip.Addr]string // node -> ip -> pod key
	owner  map[string]ipOwner               // pod key -> allocation
}

type ipOwner struct {
	node string
	ip   netip.Addr
}

// NewIPAM returns an empty allocator.
func NewIPAM() *IPAM {
	return &IPAM{byNode: map[string]map[netip.Addr]string{}, owner: map[string]ipOwner{}}
}

// Claim records an IP a pod already has (after a simulator restart).
func (m *IPAM) Claim(node, podKey, ip string) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.claimLocked(node, podKey, a)
}

func (m *IPAM) claimLocked(node, podKey string, a netip.Addr) {
	if m.byNode[node] == nil {
		m.byNode[node] = map[netip.Addr]string{}
	}
	m.byNode[node][a] = podKey
	m.owner[podKey] = ipOwner{node, a}
}

// Allocate returns the pod's IP on node, reusing an earlier allocation.
// The network and .1 (gateway) addresses are skipped, as CNIs do.
func (m *IPAM) Allocate(node, podCIDR, podKey string) (string, error) {
	prefix, err := netip.ParsePrefix(podCIDR)
	if err != nil {
		return "", fmt.Errorf("node %s podCIDR %q: %w", node, podCIDR, err)
	}
	prefix = prefix.Masked()
	m.mu.Lock()
	defer m.mu.Unlock()
	if o, ok := m.owner[podKey]; ok && o.node == node && prefix.Contains(o.ip) {
		return o.ip.String(), nil
	}
	used := m.byNode[node]
	a := prefix.Addr().Next().Next()
	for ; prefix.Contains(a); a = a.Next() {
		if _, taken := used[a]; taken {
			continue
		}
		if !prefix.Contains(a.Next()) { // broadcast address of the range
			break
		}
		m.claimLocked(node, podKey, a)
		return a.String(), nil
	}
	return "", fmt.Errorf("node %s: podCIDR %s exhausted", node, podCIDR)
}

// Release frees the pod's IP.
func (m *IPAM) Release(podKey string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if o, ok := m.owner[podKey]; ok {
		delete(m.byNode[o.node], o.ip)
		delete(m.owner, podKey)
	}
}

// ReleaseNode frees all IPs of a deleted node.
func (m *IPAM) ReleaseNode(node string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, key := range m.byNode[node] {
		delete(m.owner, key)
	}
	delete(m.byNode, node)
}
