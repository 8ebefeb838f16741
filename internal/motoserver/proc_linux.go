package motoserver

import (
	"os/exec"
	"syscall"
)

// sysProcAttr puts moto in its own process group, so that stopping kills its
// workers too, and kills it if the test binary dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
