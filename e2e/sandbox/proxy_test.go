package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"foundry.dev/e2e/sandbox/internal/controlplane"
	"foundry.dev/e2e/sandbox/internal/forward"
	"foundry.dev/e2e/sandbox/internal/sim"
)

// TestServiceProxyReachesLocalProcess boots the real control plane in this
// test process and proves that the apiserver's service proxy reaches an
// HTTP server on 127.0.0.1 through a forward-annotated pod.
func TestServiceProxyReachesLocalProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("boots a control plane")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "local process saw %s", r.URL.Path)
	})}
	go srv.Serve(ln)
	defer srv.Close()

	dir := t.TempDir()
	dialer := forward.New()
	cp, err := controlplane.Start(ctx, controlplane.Options{Name: "gotest", DataDir: dir,
		KubeconfigOut: dir + "/admin.kubeconfig", ProxyDial: dialer.DialContext, NodeGracePeriod: "90s"})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	profile, err := sim.ParseProfile([]byte("name: t\nnodePools: [{name: n, count: 1, instanceType: x, zones: [z], cpu: '8', memory: 32Gi}]"))
	if err != nil {
		t.Fatal(err)
	}
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	if err := startSimulation(simCtx, cp.RestConfig(controlplane.SimClient), profile, nil, dialer); err != nil {
		t.Fatal(err)
	}

	cs := kubernetes.NewForConfigOrDie(cp.RestConfig(controlplane.AdminClient))
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Labels: map[string]string{"app": "gw"},
			Annotations: map[string]string{forward.Annotation: ln.Addr().String()}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "gw", Image: "foundry/gateway:dev"}}},
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "gw"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "gw"},
			Ports: []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromInt32(8080)}}},
	}
	if _, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	var body []byte
	err = wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		// Endpoints appear once the simulator marks the pod Ready.
		body, err = cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/namespaces/default/services/gw:80/proxy/hello").DoRaw(ctx)
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("service proxy never answered: %v (last body %q)", err, body)
	}
	if !strings.Contains(string(body), "local process saw /hello") {
		t.Fatalf("unexpected body %q", body)
	}
	// Anything that is not an annotated pod is refused, never dialled.
	if _, err := cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/nodes/n-0/proxy/").DoRaw(ctx); err == nil {
		t.Fatal("node proxy to a simulated node unexpectedly succeeded")
	}
}
