import { clusterDeleteByPrefix, newClusterClient } from '../helpers/redis-cluster';
import { inFlightListingSuite } from './helpers/in-flight-listing-suite';

// The same listings over the 3-master cluster: one index per slot group, merged by claim time.
inFlightListingSuite('Redis Cluster', { connect: newClusterClient, deleteByPrefix: clusterDeleteByPrefix, cluster: true });
