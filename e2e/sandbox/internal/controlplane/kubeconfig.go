package controlplane

import (
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// WriteKubeconfig writes a kubeconfig for one client identity with the
// certificates embedded, so the file is self-contained and can be merged
// into a multi-context kubeconfig by callers.
func (p *PKI) WriteKubeconfig(path, clusterName, server, clientID string) error {
	certPEM, keyPEM := p.Client(clientID)
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: p.CAPEM()}
	user := clusterName + "-" + clientID
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: certPEM, ClientKeyData: keyPEM}
	cfg.Contexts[clusterName] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: user}
	cfg.CurrentContext = clusterName
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return clientcmd.WriteToFile(*cfg, path)
}

// RestConfig builds an in-memory client config for a client identity.
func (p *PKI) RestConfig(server, clientID string) *rest.Config {
	certPEM, keyPEM := p.Client(clientID)
	return &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: p.CAPEM(), CertData: certPEM, KeyData: keyPEM,
		},
		// The simulator and readiness checks are bursty when a profile
		// registers hundreds of nodes; client-go's default 5 QPS would make
		// start-up take minutes.
		QPS:   200,
		Burst: 400,
	}
}
