// `newsalertd cluster import --config FILE STATE_DIR`: a single node's state moves into a cluster.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace newsalert::daemon {

// args: "import" STATE_DIR. Copies STATE_DIR/newsalert.db (seen entries, stories, feed state,
// pending alerts, dead letters) into the shared log of the cluster the config names, so the
// cluster's first polls do not alert again on a week of news and pending alerts are delivered.
int run_cluster(const std::string& config_file, const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace newsalert::daemon
