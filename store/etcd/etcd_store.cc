#include "store/etcd/etcd_store.h"

#include <utility>

namespace rtm {
namespace {

constexpr uint16_t kDefaultEtcdPort = 2379;

std::unexpected<Error> InvalidUrl(std::string_view url, std::string_view why) {
  return Fail(ErrorCode::kInvalidRequest,
              "invalid --store \"" + std::string(url) + "\": " +
                  std::string(why) +
                  " (expected etcd://host:port[,host:port...])");
}

}  // namespace

Expected<std::vector<HttpEndpoint>> ParseEtcdUrl(std::string_view url) {
  constexpr std::string_view kScheme = "etcd://";
  constexpr std::string_view kTlsScheme = "etcd+https://";
  const bool tls = url.starts_with(kTlsScheme);
  if (!tls && !url.starts_with(kScheme)) {
    return InvalidUrl(url, "not an etcd:// or etcd+https:// URL");
  }
  std::string_view rest = url.substr(tls ? kTlsScheme.size() : kScheme.size());
  std::vector<HttpEndpoint> endpoints;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view authority = rest.substr(0, comma);
    if (authority.empty()) return InvalidUrl(url, "an empty endpoint");
    auto endpoint = ParseTcpAuthority(authority, kDefaultEtcdPort, authority);
    if (!endpoint) {
      return InvalidUrl(url, "endpoint \"" + std::string(authority) +
                                 "\": " + endpoint.error());
    }
    if (tls) endpoint->tls = HttpTls{};
    endpoints.push_back(*std::move(endpoint));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return endpoints;
}

Expected<std::string> ParseEtcdPrefix(std::string_view text) {
  if (text.empty() || text.front() != '/' ||
      text.find('\0') != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidRequest,
                "invalid --etcd-prefix \"" + std::string(text) +
                    "\": a key prefix starts with '/' (e.g. /rtmanager/)");
  }
  std::string prefix(text);
  if (!prefix.ends_with('/')) prefix += '/';
  return prefix;
}

Expected<std::unique_ptr<EtcdStore>> EtcdStore::Open(EtcdStoreOptions options,
                                                     Clock& clock) {
  if (options.endpoints.empty()) {
    return Fail(ErrorCode::kInvalidRequest, "no etcd endpoint given");
  }
  auto client = std::make_unique<etcd::Client>(std::move(options.endpoints),
                                               options.client);
  EtcdKeys keys(options.prefix, options.node);
  auto feed = EtcdChangeFeed::Start(*client, keys, options.feed);
  if (!feed) return std::unexpected(feed.error());
  std::unique_ptr<EtcdCluster> cluster;
  if (!options.node.empty()) {
    auto opened = EtcdCluster::Open(*client, keys, options.node, options.feed.watch);
    if (!opened) return std::unexpected(opened.error());
    cluster = *std::move(opened);
  }
  return std::unique_ptr<EtcdStore>(
      new EtcdStore(std::move(client), std::move(keys), *std::move(feed),
                    std::move(cluster), clock));
}

EtcdStore::EtcdStore(std::unique_ptr<etcd::Client> client, EtcdKeys keys,
                     std::unique_ptr<EtcdChangeFeed> feed,
                     std::unique_ptr<EtcdCluster> cluster, Clock& clock)
    : client_(std::move(client)),
      keys_(std::move(keys)),
      feed_(std::move(feed)),
      cluster_(std::move(cluster)),
      desired_(*client_, keys_, *feed_),
      statuses_(*client_, keys_, *feed_, cluster_.get()),
      records_(*client_, keys_),
      operation_log_(*client_, keys_),
      leases_(*client_, keys_, clock),
      health_(*client_) {}

EtcdStore::~EtcdStore() = default;

StorePorts EtcdStore::ports() {
  return StorePorts{desired_, statuses_, records_, operation_log_, leases_,
                    *feed_,   health_};
}

}  // namespace rtm
