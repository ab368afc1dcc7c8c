package controlplane

import (
	"context"
	"fmt"
	"net"
	"path/filepath"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apiserver/pkg/server/egressselector"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

const (
	// ServiceCIDR and ClusterCIDR must not overlap; ClusterCIDR is a /9 so
	// that --node-cidr-mask-size=24 leaves room for 32k simulated nodes.
	ServiceCIDR  = "10.96.0.0/16"
	ServiceAPIIP = "10.96.0.1"
	ClusterCIDR  = "10.128.0.0/9"
)

// DialFunc is the dialer the apiserver's proxy subresources use.
type DialFunc = utilnet.DialFunc

// apiserverParams is what startAPIServer needs from the caller.
type apiserverParams struct {
	pki      *PKI
	etcdURL  string
	listener net.Listener
	// proxyDial replaces the dialer behind services/pods .../proxy so that
	// pods standing for local processes can be reached (see forward pkg).
	proxyDial DialFunc
	errCh     chan<- error
}

// startAPIServer follows the non-cobra path of cmd/kube-apiserver
// (options → Complete → Validate → NewConfig → CreateServerChain → Run),
// because the cobra command installs a process-wide signal handler that
// may only exist once per process.
func startAPIServer(ctx context.Context, p apiserverParams) error {
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range s.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	port := p.listener.Addr().(*net.TCPAddr).Port
	args := []string{
		"--etcd-servers=" + p.etcdURL,
		"--bind-address=127.0.0.1",
		// Without a default route the apiserver cannot pick an address
		// itself; loopback is acceptable because the endpoint reconciler
		// (which would publish it in the kubernetes Endpoints) is off.
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + filepath.Join(p.pki.Dir, "generated"),
		"--tls-cert-file=" + p.pki.ServerCert,
		"--tls-private-key-file=" + p.pki.ServerKey,
		"--client-ca-file=" + p.pki.CACert,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.pki.SAPub,
		"--service-account-signing-key-file=" + p.pki.SAKey,
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NodeRestriction",
		"--allow-privileged=true",
		"--profiling=false",
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("apiserver flags: %w", err)
	}
	// Hand over the already-bound listener so the port is never free in
	// between (the JSON ready line promises this port).
	s.SecureServing.Listener = p.listener
	s.SecureServing.BindPort = port

	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return fmt.Errorf("apiserver options: %w", err)
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return fmt.Errorf("apiserver options: %w", utilerrors.NewAggregate(errs))
	}
	config, err := app.NewConfig(completed)
	if err != nil {
		return fmt.Errorf("apiserver config: %w", err)
	}
	// The pod/service proxy transport is a shared *http.Transport; changing
	// its dialer before the server chain is built is the in-process
	// equivalent of an egress selector for the "cluster" network.
	config.KubeAPIs.ControlPlane.Extra.ProxyTransport.DialContext = p.proxyDial
	// There are no kubelets: logs/exec/port-forward must fail fast instead
	// of dialling simulated node IPs off this machine.
	config.KubeAPIs.Extra.KubeletClientConfig.Lookup = func(egressselector.NetworkContext) (utilnet.DialFunc, error) {
		return refuseDial, nil
	}
	cc, err := config.Complete()
	if err != nil {
		return fmt.Errorf("apiserver complete: %w", err)
	}
	server, err := app.CreateServerChain(cc)
	if err != nil {
		return fmt.Errorf("apiserver chain: %w", err)
	}
	prepared, err := server.PrepareRun()
	if err != nil {
		return fmt.Errorf("apiserver prepare: %w", err)
	}
	go func() { p.errCh <- prepared.Run(ctx) }()
	return nil
}

func refuseDial(_ context.Context, network, addr string) (net.Conn, error) {
	return nil, fmt.Errorf("kube-sandbox: simulated node %s has no kubelet", addr)
}
