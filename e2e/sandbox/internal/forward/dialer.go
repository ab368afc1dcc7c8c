// Package forward lets the apiserver's service and pod proxy reach
// processes on this machine. The apiserver refuses to proxy to loopback
// addresses, so a process is represented by a pod that gets an ordinary pod
// IP and carries an annotation naming the local address; this dialer, used
// as the proxy transport's DialContext, maps podIP:port to that address.
package forward

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/cache"
)

// Annotation names the local address(es) a pod stands for. Either one
// address for every port ("127.0.0.1:54321") or a per-port list
// ("8080=127.0.0.1:54321,9090=127.0.0.1:9091").
const Annotation = "sandbox.foundry.dev/forward"

// Dialer resolves pod IPs to annotated local addresses.
type Dialer struct {
	mu   sync.RWMutex
	byIP map[string]targets // pod IP -> targets
	ipOf map[string]string  // namespace/name -> pod IP (for deletes/changes)
}

// targets maps a pod port to a local address; port 0 is the catch-all.
type targets map[int]string

// New returns an empty dialer; feed it pods through Handler.
func New() *Dialer {
	return &Dialer{byIP: map[string]targets{}, ipOf: map[string]string{}}
}

// DialContext is the proxy transport's dialer. Anything that is not an
// annotated pod is refused, so the sandbox never sends traffic off the host.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	target, err := d.Resolve(addr)
	if err != nil {
		return nil, err
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, target)
}

// Resolve returns the local address that podIP:port forwards to.
func (d *Dialer) Resolve(addr string) (string, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	port, _ := strconv.Atoi(portStr)
	d.mu.RLock()
	t, ok := d.byIP[host]
	d.mu.RUnlock()
	if !ok {
		return "", fmt.Errorf("kube-sandbox: %s is not a pod with a %s annotation", addr, Annotation)
	}
	if a, ok := t[port]; ok {
		return a, nil
	}
	if a, ok := t[0]; ok {
		return a, nil
	}
	return "", fmt.Errorf("kube-sandbox: pod %s forwards no address for port %d", host, port)
}

// Parse reads an annotation value. Only loopback targets are accepted: the
// feature exists to reach local processes, not to relay to other hosts.
func Parse(v string) (targets, error) {
	t := targets{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		port := 0
		if k, a, ok := strings.Cut(part, "="); ok {
			p, err := strconv.Atoi(k)
			if err != nil || p <= 0 || p > 65535 {
				return nil, fmt.Errorf("bad port %q in %q", k, v)
			}
			port, part = p, a
		}
		host, _, err := net.SplitHostPort(part)
		if err != nil {
			return nil, fmt.Errorf("bad address %q: %w", part, err)
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			if host != "localhost" {
				return nil, fmt.Errorf("forward target %q is not a loopback address", part)
			}
		}
		t[port] = part
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("empty %s annotation", Annotation)
	}
	return t, nil
}

// Handler keeps the index in sync with a pod informer.
func (d *Dialer) Handler() cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj interface{}) { d.upsert(obj) },
		UpdateFunc: func(_, obj interface{}) { d.upsert(obj) },
		DeleteFunc: func(obj interface{}) {
			if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = tomb.Obj
			}
			if pod, ok := obj.(*corev1.Pod); ok {
				d.remove(pod.Namespace + "/" + pod.Name)
			}
		},
	}
}

func (d *Dialer) upsert(obj interface{}) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	key := pod.Namespace + "/" + pod.Name
	v, annotated := pod.Annotations[Annotation]
	if !annotated || pod.Status.PodIP == "" {
		d.remove(key)
		return
	}
	t, err := Parse(v)
	if err != nil {
		d.remove(key)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.ipOf[key]; ok && old != pod.Status.PodIP {
		delete(d.byIP, old)
	}
	d.byIP[pod.Status.PodIP] = t
	d.ipOf[key] = pod.Status.PodIP
}

func (d *Dialer) remove(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ip, ok := d.ipOf[key]; ok {
		delete(d.byIP, ip)
		delete(d.ipOf, key)
	}
}
