import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '../api/client';

/** Server state, one hook per read: components render what these return and never fetch on their own. */
export const queryKeys = {
  dashboard: ['dashboard'] as const,
  nodes: (filters: NodeFilters) => ['nodes', filters] as const,
  node: (id: string) => ['node', id] as const,
  latest: (id: string) => ['node', id, 'latest'] as const,
  health: (id: string) => ['node', id, 'health'] as const,
  series: (id: string, range: SeriesRange) => ['node', id, 'series', range] as const,
  uptime: (id: string, from: string, to: string) => ['node', id, 'uptime', from, to] as const,
  alerts: (filters: AlertFilters) => ['alerts', filters] as const,
  map: ['map'] as const,
};

export function useDashboardStats() {
  return useQuery({ queryKey: queryKeys.dashboard, queryFn: () => unwrap(api.GET('/api/v1/dashboard/stats')) });
}

export interface NodeFilters {
  status: string[];
  category: string[];
  communityId?: string | undefined;
  tag?: string | undefined;
  search?: string | undefined;
  sort?: string | undefined;
  cursor?: string | undefined;
}

/** The fields the list shows: the rest of a node is left on the server. */
export const NodeListFields = ['id', 'label', 'nodeKey', 'category', 'status', 'lastSeen', 'locationName'];

export function useNodes(filters: NodeFilters) {
  return useQuery({
    queryKey: queryKeys.nodes(filters),
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrapPage(
        api.GET('/api/v1/nodes', {
          params: {
            query: {
              status: filters.status.length ? filters.status : undefined,
              category: filters.category.length ? filters.category : undefined,
              community_id: filters.communityId || undefined,
              tag: filters.tag || undefined,
              search: filters.search || undefined,
              sort: filters.sort || undefined,
              cursor: filters.cursor,
              limit: 25,
              fields: NodeListFields.join(','),
            },
          },
        }),
      ),
  });
}

export function useNode(id: string) {
  return useQuery({ queryKey: queryKeys.node(id), queryFn: () => unwrap(api.GET('/api/v1/nodes/{id}', { params: { path: { id } } })) });
}

export function useLatestReading(id: string) {
  return useQuery({
    queryKey: queryKeys.latest(id),
    queryFn: () => unwrap(api.GET('/api/v1/nodes/{id}/telemetry/latest', { params: { path: { id } } })),
  });
}

export function useNodeHealth(id: string) {
  return useQuery({ queryKey: queryKeys.health(id), queryFn: () => unwrap(api.GET('/api/v1/nodes/{id}/health', { params: { path: { id } } })) });
}

export interface SeriesRange {
  from: string;
  to: string;
  resolution: string;
  metrics: string[];
}

export function useSeries(id: string, range: SeriesRange) {
  return useQuery({
    queryKey: queryKeys.series(id, range),
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/nodes/{id}/telemetry', {
          params: {
            path: { id },
            query: { from: range.from, to: range.to, resolution: range.resolution, metrics: range.metrics.join(',') || undefined, limit: 5000 },
          },
        }),
      ),
  });
}

export function useUptime(id: string, from: string, to: string) {
  return useQuery({
    queryKey: queryKeys.uptime(id, from, to),
    queryFn: () => unwrap(api.GET('/api/v1/nodes/{id}/uptime', { params: { path: { id }, query: { from, to } } })),
  });
}

export interface AlertFilters {
  view: 'active' | 'timeline';
  severity: string[];
  status: string[];
  from?: string | undefined;
  to?: string | undefined;
  nodeId?: string | undefined;
  cursor?: string | undefined;
}

export function useAlerts(filters: AlertFilters) {
  return useQuery({
    queryKey: queryKeys.alerts(filters),
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrapPage(
        api.GET('/api/v1/alerts', {
          params: {
            query: {
              view: filters.view,
              // The active view is what still needs someone: open and not yet acknowledged.
              status: filters.view === 'active' ? ['triggered'] : filters.status.length ? filters.status : undefined,
              from: filters.from,
              to: filters.to,
              severity: filters.severity.length ? filters.severity : undefined,
              node_id: filters.nodeId || undefined,
              cursor: filters.cursor,
              limit: 25,
            },
          },
        }),
      ),
  });
}

/** Acknowledge or resolve: on success every alert list and the overview are refetched. */
export function useAlertAction(action: 'acknowledge' | 'resolve') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(
        action === 'acknowledge'
          ? api.POST('/api/v1/alerts/{id}/acknowledge', { params: { path: { id } } })
          : api.POST('/api/v1/alerts/{id}/resolve', { params: { path: { id } } }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
    },
  });
}

/** The communities the caller may see, for filters (only asked for where the caller may read tenants). */
export function useCommunities(enabled: boolean) {
  return useQuery({
    queryKey: ['communities'],
    enabled,
    staleTime: 60_000,
    queryFn: () => unwrap(api.GET('/api/v1/communities', { params: { query: { limit: 100, sort: 'name' } } })),
  });
}

/** The console's public settings (sign-in, map tiles): the same for everyone, read once. */
export function useConsoleSettings() {
  return useQuery({ queryKey: ['console-settings'], staleTime: Infinity, queryFn: () => unwrap(api.GET('/api/v1/console/settings')) });
}

export function useNodeMap() {
  return useQuery({ queryKey: queryKeys.map, queryFn: () => unwrap(api.GET('/api/v1/nodes/map')) });
}
