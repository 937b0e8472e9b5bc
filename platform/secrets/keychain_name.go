package secrets

import "runtime"

// keychainName names the OS service for messages.
var keychainName = map[string]string{
	"darwin":  "macOS Keychain",
	"windows": "Windows Credential Manager",
}[runtime.GOOS]

func init() {
	if keychainName == "" {
		keychainName = "Secret Service"
	}
}
