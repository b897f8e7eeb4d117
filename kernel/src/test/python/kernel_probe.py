"""Drives the slmlab-java kernel through jupyter_client, as the notebook UI does, and prints JSON facts.

Run by KernelProtocolIT (with JUPYTER_PATH pointing at a temporary kernelspec); also a measuring tool:
    JUPYTER_PATH=kernel/target/jupyter/share/jupyter python3 kernel/src/test/python/kernel_probe.py
Times are wall-clock and the kernel process's CPU time (user + system, from /proc): on a loaded machine the
second says what the kernel costs, the first what the user waited.
"""
import os
import json
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel


def execute(kc, code, timeout=120):
    """Runs one cell; returns (reply content, [(msg_type, content)...]) for that cell only."""
    msg_id = kc.execute(code)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "execute_result", "display_data", "update_display_data", "error"):
            outputs.append((kind, msg["content"]))
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], outputs


def shell_reply(kc, msg_id, timeout=60):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def cpu_seconds(pid):
    """User + system CPU time of a process (Linux /proc), or None elsewhere."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def trivial_cells(kc, pid, n=10):
    wall, cpu = [], []
    for i in range(n):
        c, t = cpu_seconds(pid), time.monotonic()
        execute(kc, "%d + 1" % i)
        wall.append((time.monotonic() - t) * 1000)
        cpu.append((cpu_seconds(pid) - c) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main():
    facts = {}
    begin = time.monotonic()
    km, kc = start_new_kernel(kernel_name="slmlab-java", startup_timeout=180)
    facts["ready_s"] = time.monotonic() - begin  # kernel_info answered: Jupyter shows the kernel as ready
    pid = km.provisioner.pid
    facts["ready_cpu_s"] = cpu_seconds(pid)
    t = time.monotonic()
    reply, outputs = execute(kc, "1 + 1")
    facts["first_cell_s"] = time.monotonic() - t  # includes the rest of JShell's start and the default imports
    facts["first_cell_cpu_total_s"] = cpu_seconds(pid)
    assert outputs and outputs[-1][1]["data"]["text/plain"] == "2", outputs
    facts["trivial_cell_ms"], facts["trivial_cell_cpu_ms"] = trivial_cells(kc, pid)

    # Interrupt: an endless loop, then Kernel -> Interrupt (a message: interrupt_mode is "message").
    msg_id = kc.execute("long spins = 0;\nwhile (true) { spins++; }")
    time.sleep(2)
    t = time.monotonic()
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id)
    facts["interrupt_reply"] = {"status": reply["status"], "ename": reply.get("ename")}
    facts["interrupt_s"] = time.monotonic() - t
    after, outputs = execute(kc, "40 + 2")
    facts["after_interrupt"] = outputs[-1][1]["data"]["text/plain"] if outputs else None

    # Tab, Shift-Tab and is_complete.
    reply = shell_reply(kc, kc.complete("GgmlType.Q4", 11))
    facts["complete"] = {"matches": reply["matches"], "cursor_start": reply["cursor_start"], "cursor_end": reply["cursor_end"]}
    reply = shell_reply(kc, kc.inspect("Math.max(1, 2)", 6))
    facts["inspect"] = {"found": reply["found"], "text": reply.get("data", {}).get("text/plain", "")[:200]}
    reply = shell_reply(kc, kc.is_complete("for (int i = 0; i < 3; i++) {"))
    facts["is_complete_open_loop"] = reply
    reply = shell_reply(kc, kc.is_complete("int x = 1;"))
    facts["is_complete_statement"] = reply

    # A live display: one display_data, then update_display_data messages with the same display id.
    _, outputs = execute(kc, 'var p = progress("work", 3);\nfor (int k = 0; k < 3; k++) { p.step(); Thread.sleep(150); }')
    kinds = [k for k, _ in outputs]
    ids = {c.get("transient", {}).get("display_id") for k, c in outputs if k in ("display_data", "update_display_data")}
    facts["progress_messages"] = kinds
    facts["progress_display_ids"] = len(ids)


    # System.exit through reflection cannot be intercepted: the kernel dies, but says why first.
    msg_id = kc.execute('System.class.getMethod("exit", int.class).invoke(null, 5);')
    notices = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except Exception:
            if not km.is_alive():
                break
            continue
        if msg["msg_type"] == "stream":
            notices.append(msg["content"]["text"])
    facts["reflective_exit_alive"] = km.is_alive()
    facts["reflective_exit_notice"] = "".join(notices)
    km.shutdown_kernel(now=True)
    json.dump(facts, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
