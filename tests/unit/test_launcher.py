from __future__ import annotations

import socket

from switchboard._ports import free_port, port_is_free
from switchboard.config import Config
from switchboard.launcher import taken_port_message


def config_with_free_ports(**overrides) -> Config:
    values = {
        "grpc_addr": f"127.0.0.1:{free_port()}",
        "http_port": free_port(),
        "envoy_admin_port": free_port(),
        "metrics_addr": f"127.0.0.1:{free_port()}",
    }
    return Config(**{**values, **overrides})


def test_all_free_means_no_message() -> None:
    assert taken_port_message(config_with_free_ports()) is None


def test_each_taken_port_names_its_variable() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cases = {
            "SWITCHBOARD_GRPC_ADDR": {"grpc_addr": f"127.0.0.1:{port}"},
            "SWITCHBOARD_HTTP_PORT": {"http_port": port},
            "SWITCHBOARD_ENVOY_ADMIN_PORT": {"envoy_admin_port": port},
            "SWITCHBOARD_METRICS_ADDR": {"metrics_addr": f"127.0.0.1:{port}"},
        }
        for variable, override in cases.items():
            message = taken_port_message(config_with_free_ports(**override))
            assert message == (
                f"port {port} ({variable}) is already in use; "
                f"stop what is using it or set {variable}"
            )


def test_a_port_whose_last_connection_is_in_time_wait_counts_as_free() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server side closes first: its end lingers in TIME_WAIT
    client.close()
    listener.close()
    assert port_is_free("127.0.0.1", port)
