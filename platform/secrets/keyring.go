package secrets

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// Keyring is the part of go-keyring the store uses; tests substitute an in-memory one.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// probeKey is read, never written: a keychain that answers "not found" for it works.
const probeKey = "swarmdesk-probe"

// probe tells whether the keychain answers at all. go-keyring reports a missing Secret Service
// (no D-Bus, no daemon) as ordinary errors, not ErrNotFound, so only nil or ErrNotFound count.
func probe(kr Keyring, service string) error {
	_, err := kr.Get(service, probeKey)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// keyringStore keeps each secret as one keychain item. Keychains store text and some cap its
// size (Windows: 2560 bytes), so text values are stored as they are and only binary ones are
// base64-encoded, behind a prefix.
type keyringStore struct {
	kr      Keyring
	service string
}

func (s *keyringStore) Get(key string) ([]byte, error) {
	v, err := s.kr.Get(s.service, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, fmt.Errorf("keychain item %s/%s: %w", s.service, key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read keychain item %s/%s: %w", s.service, key, err)
	}
	enc, ok := strings.CutPrefix(v, binaryPrefix)
	if !ok {
		return []byte(v), nil
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("keychain item %s/%s: %w", s.service, key, ErrCorrupt)
	}
	return b, nil
}

// binaryPrefix marks a base64-encoded binary value.
const binaryPrefix = "swarmdesk-b64:"

func encodeItem(value []byte) string {
	if utf8.Valid(value) && !bytes.HasPrefix(value, []byte(binaryPrefix)) && !bytes.ContainsRune(value, 0) {
		return string(value)
	}
	return binaryPrefix + base64.StdEncoding.EncodeToString(value)
}

func (s *keyringStore) Set(key string, value []byte) error {
	if err := s.kr.Set(s.service, key, encodeItem(value)); err != nil {
		return fmt.Errorf("write keychain item %s/%s: %w", s.service, key, err)
	}
	return nil
}

func (s *keyringStore) Delete(key string) error {
	err := s.kr.Delete(s.service, key)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete keychain item %s/%s: %w", s.service, key, err)
	}
	return nil
}

func (s *keyringStore) Location() string {
	return fmt.Sprintf("OS keychain (%s, service %q)", keychainName, s.service)
}

// MemKeyring is an in-memory Keyring for tests of code that uses a Store.
type MemKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemKeyring returns an empty in-memory keychain.
func NewMemKeyring() *MemKeyring { return &MemKeyring{m: map[string]string{}} }

func (k *MemKeyring) Get(s, u string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[s+"\x00"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *MemKeyring) Set(s, u, p string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[s+"\x00"+u] = p
	return nil
}

func (k *MemKeyring) Delete(s, u string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[s+"\x00"+u]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, s+"\x00"+u)
	return nil
}

// BrokenKeyring fails every call, like go-keyring on a server without a Secret Service.
type BrokenKeyring struct{ Err error }

func (b BrokenKeyring) Get(string, string) (string, error) { return "", b.Err }
func (b BrokenKeyring) Set(string, string, string) error   { return b.Err }
func (b BrokenKeyring) Delete(string, string) error        { return b.Err }
