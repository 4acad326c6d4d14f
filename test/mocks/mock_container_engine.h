#pragma once

#include <gmock/gmock.h>

#include "reconcile/ports/container_engine.h"

namespace rtm {

class MockContainerLogStream : public ContainerLogStream {
 public:
  MOCK_METHOD(Expected<LogChunk>, Next, (Duration wait), (override));
};

class MockContainerEngine : public ContainerEngine {
 public:
  MOCK_METHOD(Expected<EngineVersion>, Version, (), (override));
  MOCK_METHOD(Expected<std::vector<ContainerState>>, ListContainers,
              ((const std::map<std::string, std::string>& labels)),
              (override));
  MOCK_METHOD(Expected<ContainerState>, InspectContainer,
              (std::string_view id_or_name), (override));
  MOCK_METHOD(Expected<std::string>, CreateContainer,
              (const ContainerSpec& spec), (override));
  MOCK_METHOD(Expected<void>, StartContainer, (std::string_view id),
              (override));
  MOCK_METHOD(Expected<void>, StopContainer,
              (std::string_view id, int timeout_seconds), (override));
  MOCK_METHOD(Expected<void>, RemoveContainer, (std::string_view id, bool force),
              (override));
  MOCK_METHOD(Expected<void>, RemoveVolume, (std::string_view name), (override));
  MOCK_METHOD(Expected<ExecResult>, Exec,
              (std::string_view id, const std::vector<std::string>& command,
               Duration timeout),
              (override));
  MOCK_METHOD(Expected<std::string>, ContainerLogs,
              (std::string_view id, size_t max_bytes), (override));
  MOCK_METHOD(Expected<std::unique_ptr<ContainerLogStream>>, FollowLogs,
              (std::string_view id, size_t tail_lines), (override));
  MOCK_METHOD(Expected<void>, InspectImage, (std::string_view image_ref),
              (override));
  MOCK_METHOD(Expected<void>, EnsureNetwork, (std::string_view name),
              (override));
  MOCK_METHOD(Expected<std::unique_ptr<ContainerEventStream>>, WatchEvents,
              ((const std::map<std::string, std::string>& labels)),
              (override));
};

}  // namespace rtm
