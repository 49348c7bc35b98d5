package io.flinkvision.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on 127.0.0.1, for servers that must be told their port before they start (a KRaft
 * quorum names its controller's port, TaskManagers dial the JobManager's). The port is free when
 * returned; another process may take it before the server binds it, so callers that can retry do.
 */
final class LoopbackPorts {
    private LoopbackPorts() {}

    static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            // No SO_REUSEADDR: a port with connections in TIME_WAIT is not offered.
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }
}
