#!/usr/bin/env python3
"""Writes a deterministic osquery result log of about SIZE_MIB MiB to PATH, as the
filesystem logger (osqueryd.results.log) or Fleet's result log destination writes it: one
JSON result per line, with Fleet's decorations.

    scripts/gen-osquery.py PATH [SIZE_MIB] [HOSTS]

The mix, every hour for each of HOSTS hosts (default 1,000: 60 % macOS, 30 % Windows, 10 %
Ubuntu): the posture tables soc2 reads as snapshot queries (os_version, system_info,
disk_encryption or bitlocker_info, alf or windows_security_center, screenlock), a
differential query of listening ports in the event format (one line per row added or
removed) and, every other hour, a differential query of installed apps in the batch format
(diffResults). A few hosts are unencrypted or have the firewall off; the differential
queries add and remove rows so that each host holds about 8 ports and 25 apps at any time.
"""
import json
import random
import sys
import time

path = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
nhosts = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
target = size << 20
rng = random.Random(20261205)
t0 = 1764547200  # 2025-12-01T00:00:00Z

hosts = []
for i in range(nhosts):
    roll = i % 10
    plat = "darwin" if roll < 6 else ("windows" if roll < 9 else "ubuntu")
    hosts.append({
        "id": f"host-{i:05d}.corp.example",
        "uuid": "%08X-%04X-%04X-%04X-%012X" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(48)),
        "platform": plat,
        "serial": "C02%08X" % rng.getrandbits(32),
        "encrypted": rng.random() > 0.05,
        "firewall": rng.random() > 0.08,
        "ports": {},
        "apps": {},
        "next_port": 1024,
        "next_app": 0,
    })

counter = 0


def header(h, name, t):
    tm = time.gmtime(t)
    return {
        "name": name,
        "hostIdentifier": h["id"],
        "calendarTime": time.strftime("%a %b %d %H:%M:%S %Y UTC", tm),
        "unixTime": t,
        "epoch": 0,
        "counter": counter,
        "numerics": False,
        "decorations": {"host_uuid": h["uuid"], "hostname": h["id"].split(".")[0]},
    }


def snapshot(h, name, t, rows):
    rec = {"snapshot": rows, "action": "snapshot"}
    rec.update(header(h, name, t))
    return rec


def os_version(h):
    if h["platform"] == "darwin":
        return {"name": "macOS", "version": "14.4.1", "major": "14", "minor": "4", "patch": "1", "build": "23E224", "platform": "darwin", "platform_like": "darwin", "codename": "", "arch": "arm64", "install_date": "", "pid_with_namespace": "0", "mount_namespace_id": ""}
    if h["platform"] == "windows":
        return {"name": "Microsoft Windows 11 Enterprise", "version": "10.0.22631", "major": "10", "minor": "0", "patch": "", "build": "22631", "platform": "windows", "platform_like": "windows", "codename": "Microsoft Windows 11 Enterprise", "arch": "64-bit", "install_date": "1709251200", "pid_with_namespace": "0", "mount_namespace_id": ""}
    return {"name": "Ubuntu", "version": "22.04.4 LTS (Jammy Jellyfish)", "major": "22", "minor": "4", "patch": "0", "build": "", "platform": "ubuntu", "platform_like": "debian", "codename": "jammy", "arch": "x86_64", "install_date": "", "pid_with_namespace": "0", "mount_namespace_id": ""}


def lines_for(h, t):
    global counter
    counter += 1
    out = [
        snapshot(h, "pack/posture/os_version", t, [os_version(h)]),
        snapshot(h, "pack/posture/system_info", t, [{
            "hostname": h["id"], "uuid": h["uuid"], "cpu_type": "arm64e", "cpu_subtype": "ARM64E",
            "cpu_brand": "Apple M2", "cpu_physical_cores": "8", "cpu_logical_cores": "8",
            "cpu_microcode": "", "physical_memory": "17179869184", "hardware_vendor": "Apple Inc.",
            "hardware_model": "Mac14,2", "hardware_version": "", "hardware_serial": h["serial"],
            "board_vendor": "", "board_model": "", "board_version": "", "board_serial": "",
            "computer_name": h["id"].split(".")[0], "local_hostname": h["id"].split(".")[0]}]),
    ]
    if h["platform"] == "windows":
        out.append(snapshot(h, "pack/posture/bitlocker", t, [{
            "device_id": "\\\\?\\Volume{%s}\\" % h["uuid"].lower(), "drive_letter": "C:",
            "persistent_volume_id": "", "conversion_status": "1" if h["encrypted"] else "0",
            "protection_status": "1" if h["encrypted"] else "0", "encryption_method": "XTS_AES_128",
            "version": "2", "percentage_encrypted": "100" if h["encrypted"] else "0", "lock_status": "0"}]))
        out.append(snapshot(h, "pack/posture/security_center", t, [{
            "firewall": "Good" if h["firewall"] else "Poor", "autoupdate": "Good", "antivirus": "Good",
            "antispyware": "Good", "internet_settings": "Good", "windows_security_center_service": "Good",
            "user_account_control": "Good"}]))
    else:
        out.append(snapshot(h, "pack/posture/disk_encryption", t, [{
            "name": "/dev/disk3s1", "uuid": h["uuid"], "encrypted": "1" if h["encrypted"] else "0",
            "type": "APFS Encryption" if h["encrypted"] else "", "encryption_status": "encrypted" if h["encrypted"] else "not encrypted",
            "uid": "", "user_uuid": "", "filevault_status": "on" if h["encrypted"] else "off"}]))
    if h["platform"] == "darwin":
        out.append(snapshot(h, "pack/posture/alf", t, [{
            "allow_signed_enabled": "1", "firewall_unload": "0", "global_state": "1" if h["firewall"] else "0",
            "logging_enabled": "0", "logging_option": "0", "stealth_enabled": "0", "version": "1.6"}]))
        out.append(snapshot(h, "pack/posture/screenlock", t, [{"enabled": "1", "grace_period": "5"}]))
    # Listening ports: events, one line per row added or removed.
    for _ in range(rng.randrange(1, 3)):
        port = h["next_port"]
        h["next_port"] += 1
        row = {"pid": str(rng.randrange(100, 60000)), "port": str(port), "protocol": "6", "family": "2",
               "address": "0.0.0.0", "fd": str(rng.randrange(3, 200)), "socket": str(rng.getrandbits(20)),
               "path": "", "net_namespace": "0"}
        h["ports"][port] = row
        rec = header(h, "pack/network/listening_ports", t)
        rec["columns"] = row
        rec["action"] = "added"
        out.append(rec)
    while len(h["ports"]) > 8:
        port = min(h["ports"])
        rec = header(h, "pack/network/listening_ports", t)
        rec["columns"] = h["ports"].pop(port)
        rec["action"] = "removed"
        out.append(rec)
    # Installed apps: a batch every other hour.
    if counter % 2 == 0:
        added = []
        for _ in range(rng.randrange(0, 3) if h["apps"] else 25):
            k = h["next_app"]
            h["next_app"] += 1
            row = {"name": f"App {k}.app", "path": f"/Applications/App {k}.app",
                   "bundle_identifier": f"com.example.app{k}", "bundle_version": str(rng.randrange(1, 999)),
                   "bundle_short_version": "%d.%d.%d" % (rng.randrange(1, 20), rng.randrange(10), rng.randrange(10)),
                   "last_opened_time": str(t - rng.randrange(86400 * 30))}
            h["apps"][k] = row
            added.append(row)
        removed = []
        while len(h["apps"]) > 25:
            removed.append(h["apps"].pop(min(h["apps"])))
        rec = header(h, "pack/inventory/apps", t)
        rec["diffResults"] = {"removed": removed, "added": added}
        out.append(rec)
    return out


written = 0
n = 0
hour = 0
with open(path, "w") as f:
    while written < target:
        t = t0 + hour * 3600
        for i, h in enumerate(hosts):
            for rec in lines_for(h, t + i % 3600):
                line = json.dumps(rec, separators=(",", ":")) + "\n"
                f.write(line)
                written += len(line)
                n += 1
            if written >= target:
                break
        hour += 1
print(f"{path}: {n} results, {hour} hours, {written} bytes", file=sys.stderr)
