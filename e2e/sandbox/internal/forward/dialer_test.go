package forward

import (
	"context"
	"io"
	"net"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func pod(name, ip, forward string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Status: corev1.PodStatus{PodIP: ip}}
	if forward != "" {
		p.Annotations = map[string]string{Annotation: forward}
	}
	return p
}

func TestParse(t *testing.T) {
	good := map[string]targets{
		"127.0.0.1:8080":                 {0: "127.0.0.1:8080"},
		"8080=127.0.0.1:1, 9090=[::1]:2": {8080: "127.0.0.1:1", 9090: "[::1]:2"},
		"localhost:3000,81=127.0.0.2:81": {0: "localhost:3000", 81: "127.0.0.2:81"},
	}
	for in, want := range good {
		got, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if len(got) != len(want) {
			t.Fatalf("Parse(%q) = %v, want %v", in, got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("Parse(%q)[%d] = %q, want %q", in, k, got[k], v)
			}
		}
	}
	for _, bad := range []string{"", "10.0.0.5:80", "example.com:80", "x=127.0.0.1:1", "127.0.0.1"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted a non-loopback or malformed target", bad)
		}
	}
}

func TestResolveFollowsPodLifecycle(t *testing.T) {
	d := New()
	h := d.Handler()
	h.OnAdd(pod("a", "", "127.0.0.1:1000"), false) // no IP yet: not routable
	if _, err := d.Resolve("10.128.0.2:80"); err == nil {
		t.Fatal("resolved a pod without IP")
	}
	h.OnUpdate(nil, pod("a", "10.128.0.2", "127.0.0.1:1000"))
	if got, err := d.Resolve("10.128.0.2:80"); err != nil || got != "127.0.0.1:1000" {
		t.Fatalf("Resolve = %q, %v", got, err)
	}
	h.OnUpdate(nil, pod("a", "10.128.0.9", "8080=127.0.0.1:2000"))
	if _, err := d.Resolve("10.128.0.2:80"); err == nil {
		t.Fatal("old pod IP still resolves after the IP changed")
	}
	if got, _ := d.Resolve("10.128.0.9:8080"); got != "127.0.0.1:2000" {
		t.Fatalf("per-port target = %q", got)
	}
	if _, err := d.Resolve("10.128.0.9:9999"); err == nil {
		t.Fatal("unlisted port resolved")
	}
	h.OnDelete(pod("a", "10.128.0.9", ""))
	if _, err := d.Resolve("10.128.0.9:8080"); err == nil {
		t.Fatal("deleted pod still resolves")
	}
}

func TestDialContextReachesLocalListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = c.Write([]byte("hello"))
			c.Close()
		}
	}()
	d := New()
	d.Handler().OnAdd(pod("gw", "10.128.3.3", ln.Addr().String()), false)
	c, err := d.DialContext(context.Background(), "tcp", "10.128.3.3:8080")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	if string(b) != "hello" {
		t.Fatalf("read %q", b)
	}
	if _, err := d.DialContext(context.Background(), "tcp", "10.128.3.4:8080"); err == nil {
		t.Fatal("dialled an address that is not an annotated pod")
	}
}
