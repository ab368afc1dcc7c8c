// kube-sandbox runs a real Kubernetes control plane (kube-apiserver,
// kube-controller-manager, kube-scheduler, embedded etcd) in one process,
// plus simulated GPU nodes, for Foundry's tests and demos.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/klog/v2"

	"foundry.dev/e2e/sandbox/internal/controlplane"
	"foundry.dev/e2e/sandbox/internal/forward"
	"foundry.dev/e2e/sandbox/internal/sim"
)

type flags struct {
	name, dataDir, kubeconfigOut, profile, denyImages string
	exitOnStdinClose, removeDataDir                   bool
}

func main() {
	var f flags
	fs := flag.NewFlagSet("kube-sandbox", flag.ExitOnError)
	fs.StringVar(&f.name, "name", "sandbox", "cluster and context name in the kubeconfig")
	fs.StringVar(&f.dataDir, "data-dir", "", "state directory (default: a temp dir removed on exit)")
	fs.StringVar(&f.kubeconfigOut, "kubeconfig-out", "", "admin kubeconfig path (default: <data-dir>/admin.kubeconfig)")
	fs.StringVar(&f.profile, "profile", "", "node profile YAML (default: no nodes)")
	fs.StringVar(&f.denyImages, "deny-images", "", "comma-separated image globs that fail with ImagePullBackOff (added to the profile's list)")
	fs.BoolVar(&f.removeDataDir, "remove-data-dir", false, "delete --data-dir on exit (for callers that made a temp dir)")
	fs.BoolVar(&f.exitOnStdinClose, "exit-on-stdin-close", false, "stop when stdin reaches EOF (the parent died)")
	klogFlags := flag.NewFlagSet("klog", flag.ExitOnError)
	klog.InitFlags(klogFlags)
	fs.Var(klogFlags.Lookup("v").Value, "v", "log verbosity")
	_ = fs.Parse(os.Args[1:])

	if err := run(f); err != nil {
		fmt.Fprintf(os.Stderr, "kube-sandbox: %v\n", err)
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"ready": false, "error": err.Error()})
		os.Exit(1)
	}
}

func run(f flags) error {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	stopReason := make(chan string, 2)
	go func() {
		stopReason <- (<-sigs).String()
		<-sigs // a second signal means "now": skip the graceful shutdown
		os.Exit(130)
	}()
	if f.exitOnStdinClose {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stopReason <- "stdin closed" }()
	}

	if f.dataDir != "" && f.removeDataDir {
		// Registered first so it runs last, after etcd has closed its files.
		defer os.RemoveAll(f.dataDir)
	}
	if f.dataDir == "" {
		d, err := os.MkdirTemp("", "kube-sandbox-")
		if err != nil {
			return err
		}
		f.dataDir = d
		defer os.RemoveAll(d)
	}
	if f.kubeconfigOut == "" {
		f.kubeconfigOut = filepath.Join(f.dataDir, "admin.kubeconfig")
	}
	abs, err := filepath.Abs(f.kubeconfigOut)
	if err != nil {
		return err
	}
	f.kubeconfigOut = abs

	var profile *sim.Profile
	deny := splitList(f.denyImages)
	if f.profile != "" {
		p, err := sim.LoadProfile(f.profile)
		if err != nil {
			return err
		}
		profile = p
		deny = append(deny, p.ImagePullDenyList...)
	}

	dialer := forward.New()
	cp, err := controlplane.Start(ctx, controlplane.Options{
		Name: f.name, DataDir: f.dataDir, KubeconfigOut: f.kubeconfigOut,
		ProxyDial: dialer.DialContext, NodeGracePeriod: "90s",
	})
	if err != nil {
		return err
	}
	defer cp.Stop()

	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim() // stop the simulator before the control plane
	if err := startSimulation(simCtx, cp.RestConfig(controlplane.SimClient), profile, deny, dialer); err != nil {
		return err
	}
	nodeCount := 0
	if profile != nil {
		nodeCount = profile.NodeCount()
	}

	line, _ := json.Marshal(map[string]any{
		"ready": true, "name": f.name, "server": cp.Server, "kubeconfig": f.kubeconfigOut,
		"dataDir": f.dataDir, "nodes": nodeCount, "pid": os.Getpid(), "startupMs": time.Since(start).Milliseconds(),
	})
	fmt.Println(string(line))

	select {
	case reason := <-stopReason:
		klog.Infof("kube-sandbox: stopping (%s)", reason)
	case err := <-cp.Errors():
		return fmt.Errorf("component exited: %v", err)
	}
	return nil
}
