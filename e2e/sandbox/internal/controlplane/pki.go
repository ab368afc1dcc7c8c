// Package controlplane runs a real kube-apiserver, kube-controller-manager,
// kube-scheduler and an embedded etcd inside one process.
package controlplane

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// PKI holds the file paths of everything the components need. ECDSA P-256 is
// used throughout because key generation is instant, which keeps sandbox
// start-up fast; all Kubernetes components accept EC keys.
type PKI struct {
	Dir        string
	CACert     string
	CAKey      string
	ServerCert string
	ServerKey  string
	SAKey      string // service-account signing key (private)
	SAPub      string // service-account verification key (public)

	ca     *x509.Certificate
	caKey  crypto.Signer
	caPEM  []byte
	leaves map[string]leafPair
}

type leafPair struct{ certPEM, keyPEM []byte }

// ClientIdentity names a client certificate to issue (CN = user, O = groups).
type ClientIdentity struct {
	User   string
	Groups []string
}

// NewPKI creates (or reuses, when dir already holds them) the CA and the
// service-account key, then issues fresh leaf certificates. Reusing the CA
// keeps kubeconfigs from an earlier run of the same --data-dir valid.
func NewPKI(dir string, clients map[string]ClientIdentity) (*PKI, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &PKI{
		Dir:        dir,
		CACert:     filepath.Join(dir, "ca.crt"),
		CAKey:      filepath.Join(dir, "ca.key"),
		ServerCert: filepath.Join(dir, "apiserver.crt"),
		ServerKey:  filepath.Join(dir, "apiserver.key"),
		SAKey:      filepath.Join(dir, "sa.key"),
		SAPub:      filepath.Join(dir, "sa.pub"),
		leaves:     map[string]leafPair{},
	}
	if err := p.loadOrCreateCA(); err != nil {
		return nil, fmt.Errorf("ca: %w", err)
	}
	if err := p.loadOrCreateSAKey(); err != nil {
		return nil, fmt.Errorf("service-account key: %w", err)
	}
	serving := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP(ServiceAPIIP)},
	}
	certPEM, keyPEM, err := p.issue(serving)
	if err != nil {
		return nil, err
	}
	if err := writePair(p.ServerCert, p.ServerKey, certPEM, keyPEM); err != nil {
		return nil, err
	}
	for id, c := range clients {
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{CommonName: c.User, Organization: c.Groups},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		certPEM, keyPEM, err := p.issue(tmpl)
		if err != nil {
			return nil, err
		}
		p.leaves[id] = leafPair{certPEM, keyPEM}
	}
	return p, nil
}

// CAPEM returns the CA certificate in PEM form (for kubeconfigs).
func (p *PKI) CAPEM() []byte { return p.caPEM }

// Client returns the PEM certificate and key issued for a client id.
func (p *PKI) Client(id string) (certPEM, keyPEM []byte) {
	l := p.leaves[id]
	return l.certPEM, l.keyPEM
}

func (p *PKI) loadOrCreateCA() error {
	if certPEM, err := os.ReadFile(p.CACert); err == nil {
		keyPEM, err := os.ReadFile(p.CAKey)
		if err != nil {
			return err
		}
		cert, err := parseCert(certPEM)
		if err != nil {
			return err
		}
		key, err := parseKey(keyPEM)
		if err != nil {
			return err
		}
		p.ca, p.caKey, p.caPEM = cert, key, certPEM
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "foundry-kube-sandbox-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return err
	}
	cert, _ := x509.ParseCertificate(der)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM, err := encodeKey(key)
	if err != nil {
		return err
	}
	p.ca, p.caKey, p.caPEM = cert, key, certPEM
	return writePair(p.CACert, p.CAKey, certPEM, keyPEM)
}

func (p *PKI) loadOrCreateSAKey() error {
	if _, err := os.Stat(p.SAKey); err == nil {
		if _, err := os.Stat(p.SAPub); err == nil {
			return nil
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return err
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	return writePair(p.SAPub, p.SAKey, pubPEM, keyPEM)
}

func (p *PKI) issue(tmpl *x509.Certificate) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().AddDate(1, 0, 0)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, key.Public(), p.caKey)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func parseCert(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("no PEM certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}

func parseKey(b []byte) (crypto.Signer, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("no PEM key")
	}
	return x509.ParseECPrivateKey(blk.Bytes)
}

func writePair(certPath, keyPath string, certPEM, keyPEM []byte) error {
	if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
		return err
	}
	return os.WriteFile(keyPath, keyPEM, 0o600)
}
