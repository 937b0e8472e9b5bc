// Package platform holds what differs between operating systems: where the app keeps its config,
// data and caches, and where the Hugging Face cache lives. Secrets live in platform/secrets.
package platform
