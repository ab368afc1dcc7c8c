package controlplane

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/klog/v2"
)

func init() {
	// Three components apply logging configuration in one process; without
	// this the second one fails with "logging configuration was already
	// applied earlier" (same setting as k3s and the upstream test server).
	logsapi.ReapplyHandling = logsapi.ReapplyHandlingIgnoreUnchanged
}

// Client identities issued by the sandbox CA.
const (
	AdminClient     = "admin"
	KCMClient       = "controller-manager"
	SchedulerClient = "scheduler"
	SimClient       = "simulator"
)

// Options configure one control plane.
type Options struct {
	Name            string   // cluster/context name in the kubeconfig
	DataDir         string   // etcd data and PKI live here
	KubeconfigOut   string   // admin kubeconfig path
	ProxyDial       DialFunc // dialer for the apiserver's proxy subresources
	NodeGracePeriod string   // kube-controller-manager --node-monitor-grace-period
}

// ControlPlane is a running apiserver + controller-manager + scheduler + etcd.
type ControlPlane struct {
	Server     string
	Kubeconfig string
	PKI        *PKI

	cancel context.CancelFunc
	errCh  chan error
	etcd   *embed.Etcd
	comps  int
}

// Start boots etcd, then the apiserver, waits for /readyz, then starts the
// controller-manager and scheduler against it.
func Start(ctx context.Context, o Options) (*ControlPlane, error) {
	pkiDir := filepath.Join(o.DataDir, "pki")
	pki, err := NewPKI(pkiDir, map[string]ClientIdentity{
		AdminClient:     {User: "kubernetes-admin", Groups: []string{"system:masters"}},
		KCMClient:       {User: "system:kube-controller-manager"},
		SchedulerClient: {User: "system:kube-scheduler"},
		// The simulator plays the kubelet of every node, which no single
		// node identity may do under the Node authorizer.
		SimClient: {User: "system:kube-sandbox-simulator", Groups: []string{"system:masters"}},
	})
	if err != nil {
		return nil, err
	}
	etcd, etcdURL, err := startEtcd(o.DataDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		etcd.Close()
		return nil, err
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)

	runCtx, cancel := context.WithCancel(ctx)
	cp := &ControlPlane{Server: server, Kubeconfig: o.KubeconfigOut, PKI: pki, cancel: cancel,
		errCh: make(chan error, 3), etcd: etcd}
	fail := func(err error) (*ControlPlane, error) {
		cp.Stop()
		return nil, err
	}

	if err := pki.WriteKubeconfig(o.KubeconfigOut, o.Name, server, AdminClient); err != nil {
		return fail(err)
	}
	kcmKubeconfig := filepath.Join(pkiDir, "controller-manager.kubeconfig")
	schedKubeconfig := filepath.Join(pkiDir, "scheduler.kubeconfig")
	if err := pki.WriteKubeconfig(kcmKubeconfig, o.Name, server, KCMClient); err != nil {
		return fail(err)
	}
	if err := pki.WriteKubeconfig(schedKubeconfig, o.Name, server, SchedulerClient); err != nil {
		return fail(err)
	}

	if err := startAPIServer(runCtx, apiserverParams{pki: pki, etcdURL: etcdURL, listener: ln,
		proxyDial: o.ProxyDial, errCh: cp.errCh}); err != nil {
		return fail(err)
	}
	cp.comps++
	if err := cp.waitReady(ctx); err != nil {
		return fail(err)
	}
	if err := startControllerManager(runCtx, pki, kcmKubeconfig, o.NodeGracePeriod, cp.errCh); err != nil {
		return fail(err)
	}
	cp.comps++
	if err := startScheduler(runCtx, schedKubeconfig, cp.errCh); err != nil {
		return fail(err)
	}
	cp.comps++
	return cp, nil
}

// RestConfig returns a client config for one of the issued identities.
func (cp *ControlPlane) RestConfig(clientID string) *rest.Config {
	return cp.PKI.RestConfig(cp.Server, clientID)
}

// Errors reports components that stopped on their own.
func (cp *ControlPlane) Errors() <-chan error { return cp.errCh }

func (cp *ControlPlane) waitReady(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(cp.RestConfig(AdminClient))
	if err != nil {
		return err
	}
	var last error
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-cp.errCh:
			cp.comps--
			return false, fmt.Errorf("apiserver exited: %v", err)
		default:
		}
		_, last = cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("apiserver not ready: %v (last: %v)", err, last)
	}
	return nil
}

// Stop cancels all components, waits a bounded time for them to return,
// then closes etcd last so the apiserver can finish its final writes.
func (cp *ControlPlane) Stop() {
	cp.cancel()
	deadline := time.After(15 * time.Second)
	for i := 0; i < cp.comps; i++ {
		select {
		case <-cp.errCh:
		case <-deadline:
			klog.Warning("kube-sandbox: components did not stop within 15s")
			i = cp.comps
		}
	}
	cp.comps = 0
	cp.etcd.Close()
}
