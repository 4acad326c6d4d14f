// GameRuntime and operation JSON as the REST API renders them (docs/contract.md §6).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rtm::testing_support {

// lobby-eu-1 at generation 3, converged, Ready since 02:55:00, with a
// restart and an error on record.
inline nlohmann::json LobbyRuntime() {
  return nlohmann::json::parse(R"({
    "apiVersion": "rtmanager.galaxy/v1", "kind": "GameRuntime",
    "metadata": {"name": "lobby-eu-1", "generation": 3,
                 "labels": {"region": "eu", "tier": "casual"},
                 "source": "lobby.yaml:3"},
    "spec": {"image": "rtmanager/demo-game:2",
             "command": ["/bin/httpd", "-f", "-p", "8080"],
             "env": {"MAP": "nebula"}, "state": "Running", "restartGeneration": 1,
             "ports": [{"containerPort": 8080, "hostPort": 18080, "protocol": "tcp",
                        "hostIP": "127.0.0.1"},
                       {"containerPort": 9000, "hostPort": 0, "protocol": "udp",
                        "hostIP": "127.0.0.1"}],
             "healthCheck": {"command": ["/bin/wget", "-q", "-O-", "http://127.0.0.1:8080/"],
                             "intervalSeconds": 2, "timeoutSeconds": 1, "retries": 3},
             "stopTimeoutSeconds": 10, "resources": {"memoryMiB": 256, "cpus": 0.5}},
    "status": {"phase": "Running", "observedGeneration": 3,
               "observedRestartGeneration": 2,
               "lastRestart": {"restartGeneration": 2, "outcome": "success",
                               "errorCode": "", "containerId": "0123456789abcdef0123",
                               "sourceRef": "req-42",
                               "finishedAt": "2026-11-25T02:54:58.000Z"},
               "containerId": "0123456789abcdef0123", "imageRef": "rtmanager/demo-game:2",
               "hostname": "lobby-eu-1", "health": "healthy", "restartCount": 1,
               "lastError": {"code": "start_failed", "message": "port 18080 is taken",
                             "at": "2026-11-25T02:40:00.000Z"},
               "conditions": [
                 {"type": "Ready", "status": "True", "reason": "Running", "message": "",
                  "lastTransitionTime": "2026-11-25T02:55:00.000Z"},
                 {"type": "Progressing", "status": "False", "reason": "Converged",
                  "message": "", "lastTransitionTime": "2026-11-25T02:54:58.000Z"},
                 {"type": "ManifestValid", "status": "True", "reason": "Valid",
                  "message": "", "lastTransitionTime": "2026-11-24T03:00:00.000Z"}]}
  })");
}

// The two newest operations of lobby-eu-1, newest first.
inline nlohmann::json LobbyOperations() {
  return nlohmann::json::parse(R"([
    {"sequence": 7, "gameId": "lobby-eu-1", "opKind": "restart", "opSource": "rest",
     "sourceRef": "req-42", "imageRef": "rtmanager/demo-game:2",
     "containerId": "0123456789abcdef0123", "outcome": "success", "errorCode": "",
     "errorMessage": "", "startedAt": "2026-11-25T02:54:57.000Z",
     "finishedAt": "2026-11-25T02:54:58.000Z",
     "requestedBy": {"name": "ops", "address": "10.0.0.5"}},
    {"sequence": 6, "gameId": "lobby-eu-1", "opKind": "start", "opSource": "manifest",
     "sourceRef": "lobby.yaml#generation=2", "imageRef": "rtmanager/demo-game:2",
     "containerId": "", "outcome": "failure", "errorCode": "start_failed",
     "errorMessage": "port 18080 is taken", "startedAt": "2026-11-25T02:39:59.000Z",
     "finishedAt": "2026-11-25T02:40:00.000Z"}
  ])");
}

}  // namespace rtm::testing_support
