package session

import (
	"time"

	"github.com/swarmdesk/swarmdesk/app/chain"
	"github.com/swarmdesk/swarmdesk/app/chainconn"
	"github.com/swarmdesk/swarmdesk/app/config"
	"github.com/swarmdesk/swarmdesk/app/signin"
)

// SignInFlow is the sign-in of network profile (the configured one when ""), for the window's
// sign-in screens; nil when that network needs none (local and invite swarms). Choosing
// Gensyn testnet on the first run signs in before the node starts, so the profile is named.
func (s *Session) SignInFlow(profile string) (*signin.Flow, error) {
	p, err := s.signInProfile(profile)
	if err != nil || !p.SignIn.Needed() {
		return nil, err
	}
	store, err := s.env.OpenSecrets()
	if err != nil {
		return nil, err
	}
	return chainconn.SignInFlow(p, store), nil
}

// SignedIn is who is signed in on the configured network: nil when nobody is or the network
// needs no sign-in.
func (s *Session) SignedIn() (*signin.Summary, error) {
	p, err := s.signInProfile("")
	if err != nil || !p.SignIn.Needed() {
		return nil, err
	}
	store, err := s.env.OpenSecrets()
	if err != nil {
		return nil, err
	}
	sess, err := signin.LoadSession(store, p.Name)
	if err != nil || sess == nil {
		return nil, err
	}
	sum := sess.Summary(time.Now())
	return &sum, nil
}

func (s *Session) signInProfile(profile string) (chain.Profile, error) {
	n := s.Config().Network
	if profile != "" && profile != n.Profile {
		n = config.Network{Profile: profile, SignerURL: n.SignerURL}
	}
	return chainconn.SignInProfile(n)
}
