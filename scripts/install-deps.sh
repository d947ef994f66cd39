#!/usr/bin/env bash
# Install the Debian packages ttmbench needs to build, run and test.
# As root, missing packages are installed with apt-get; otherwise the script
# lists them and exits 2.
# The kernel-lab packages are included because the test suite boots a guest.
set -euo pipefail

packages=(
	make gcc clang llvm pkg-config libclang-rt-14-dev
	libbpf-dev bpftool libelf-dev zlib1g-dev
	gcc-multilib
	libjansson-dev libgsl-dev libcmocka-dev libmxml-dev
	linux-perf hyperfine gnuplot-nox
	python3 python3-yaml jq
	qemu-system-x86 busybox-static cpio
)

if [[ $# -gt 0 ]]; then
	echo "install-deps.sh: unknown argument '$1'; it takes none" >&2
	exit 2
fi

missing=()
for pkg in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "install-deps.sh: missing Debian packages: ${missing[*]}" >&2
	echo "install-deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 2
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
