"""Drives the slmlab-java kernel through jupyter_client, as the notebook UI does, and prints JSON facts.

Run by KernelProtocolIT (with JUPYTER_PATH pointing at a temporary kernelspec); also a measuring tool:
    JUPYTER_PATH=kernel/target/jupyter/share/jupyter python3 kernel/src/test/python/kernel_probe.py
It starts the kernel twice: the first start also writes the class-data-sharing archive the second one uses.
"""
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


def start():
    begin = time.monotonic()
    km, kc = start_new_kernel(kernel_name="slmlab-java", startup_timeout=180)
    ready = time.monotonic() - begin
    t = time.monotonic()
    reply, outputs = execute(kc, "1 + 1")
    first = time.monotonic() - t
    assert outputs and outputs[-1][1]["data"]["text/plain"] == "2", outputs
    return km, kc, ready, first


def trivial_cell_ms(kc, n=10):
    times = []
    for i in range(n):
        t = time.monotonic()
        execute(kc, "%d + 1" % i)
        times.append((time.monotonic() - t) * 1000)
    return statistics.median(times)


def main():
    facts = {}
    km, kc, ready, first = start()
    facts["cold_ready_s"] = ready
    facts["cold_first_cell_s"] = first
    facts["trivial_cell_ms"] = trivial_cell_ms(kc)

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

    km.shutdown_kernel(now=False)  # a clean exit: the JVM writes its class-data archive now

    km, kc, ready, first = start()
    facts["warm_ready_s"] = ready
    facts["warm_first_cell_s"] = first
    facts["warm_trivial_cell_ms"] = trivial_cell_ms(kc)

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
