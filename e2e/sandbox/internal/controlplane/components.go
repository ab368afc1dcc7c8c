package controlplane

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"
	cliflag "k8s.io/component-base/cli/flag"
	kcm "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	kcmoptions "k8s.io/kubernetes/cmd/kube-controller-manager/app/options"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	scheduleroptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

// parseInto feeds command-line style args into a component's named flag
// sets, so every option gets the same defaulting as the real binary.
func parseInto(name string, sets cliflag.NamedFlagSets, args []string) error {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	for _, f := range sets.FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s flags: %w", name, err)
	}
	return nil
}

// startControllerManager runs kube-controller-manager's Run (the cobra
// command is avoided for the same signal-handler reason as the apiserver).
func startControllerManager(ctx context.Context, pki *PKI, kubeconfig string, nodeGracePeriod string, errCh chan<- error) error {
	s, err := kcmoptions.NewKubeControllerManagerOptions()
	if err != nil {
		return err
	}
	sets := s.Flags(kcm.KnownControllers(), kcm.ControllersDisabledByDefault(), kcm.ControllerAliases())
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--service-account-private-key-file=" + pki.SAKey,
		"--root-ca-file=" + pki.CACert,
		"--use-service-account-credentials=true",
		"--cluster-signing-cert-file=" + pki.CACert,
		"--cluster-signing-key-file=" + pki.CAKey,
		// Pod IPs come from each node's podCIDR, as with a real CNI.
		"--allocate-node-cidrs=true",
		"--cluster-cidr=" + ClusterCIDR,
		"--node-cidr-mask-size=24",
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--node-monitor-grace-period=" + nodeGracePeriod,
		// Default 20 QPS makes CIDR allocation for large profiles slow.
		"--kube-api-qps=200",
		"--kube-api-burst=400",
	}
	if err := parseInto("kube-controller-manager", sets, args); err != nil {
		return err
	}
	c, err := s.Config(kcm.KnownControllers(), kcm.ControllersDisabledByDefault(), kcm.ControllerAliases())
	if err != nil {
		return fmt.Errorf("controller-manager config: %w", err)
	}
	go func() { errCh <- kcm.Run(ctx, c.Complete()) }()
	return nil
}

// startScheduler runs kube-scheduler via Setup+Run, its non-cobra API.
func startScheduler(ctx context.Context, kubeconfig string, errCh chan<- error) error {
	opts := scheduleroptions.NewOptions()
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
	}
	if err := parseInto("kube-scheduler", *opts.Flags, args); err != nil {
		return err
	}
	cc, sched, err := scheduler.Setup(ctx, opts)
	if err != nil {
		return fmt.Errorf("scheduler setup: %w", err)
	}
	go func() { errCh <- scheduler.Run(ctx, cc, sched) }()
	return nil
}
