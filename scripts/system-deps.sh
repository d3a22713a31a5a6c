#!/usr/bin/env bash
# Debian packages jixiao needs besides Python packages:
#   fonts-noto-cjk    Noto Sans CJK SC, the font of rendered forms and reports (PDF, HTML)
#   chromium          headless browser: HTML -> PDF, browser tests (driven by Playwright, no browser download)
#   libreoffice-*     .doc reading, xlsx formula recalculation in tests
#   poppler-utils     pdftotext/pdftoppm: PDF benchmark baseline, looking at rendered pages
#   postgresql        the web app's shared-deployment database: tests start a throwaway cluster
# Installs what is missing when run as root (or with passwordless sudo); otherwise
# says what to install and carries on (the tests that need them are skipped
# unless JIXIAO_REQUIRE_ALL=1).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if ! (command -v fc-list >/dev/null 2>&1 && fc-list ':family=Noto Sans CJK SC' | grep -q .); then
    missing+=(fonts-noto-cjk fontconfig)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "提示：缺少系统软件包 ${missing[*]}（非 Debian 系统，请自行安装）；相关测试将跳过。" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "提示：缺少系统软件包 ${missing[*]}，请以 root 运行：apt-get install ${missing[*]}；相关测试将跳过。" >&2
        exit 0
    fi
fi
echo "安装系统软件包：${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
