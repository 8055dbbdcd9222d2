package microvm

import (
	"strings"
	"testing"
)

func TestDeclaredWithoutGuestModule(t *testing.T) {
	f := Embedded()
	for path, want := range map[string]bool{
		"microvm.vcpu":                    true,  // options.nix
		"microvm.shares.0.tag":            true,  // into a list of submodules
		"microvm.vms.web.config":          true,  // the host module stays
		"microvm.vsock.cid":               true,  // options.nix
		"microvm.vsock.ssh.enable":        false, // vsock-ssh.nix
		"microvm.vsock.ssh":               false, // a group with an option outside options.nix
		"microvm.vsock":                   false,
		"microvm.deploy.rebuild":          false, // ssh-deploy.nix
		"microvm.storeDisk":               false,
		"microvm.somethingNobodyDeclares": true, // unknown: left to unknown-option
	} {
		if got := f.DeclaredWithoutGuestModule(strings.Split(path, ".")); got != want {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}
