import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  acknowledgeAlert,
  fetchAlerts,
  fetchAlertStats,
  fetchAuditLogs,
  fetchCommunities,
  fetchConsoleSettings,
  fetchDashboardStats,
  fetchLatestReading,
  fetchNode,
  fetchNodeHealth,
  fetchNodeMap,
  fetchNodes,
  fetchSeries,
  fetchUptime,
  fetchUptimeReport,
  fetchUser,
  fetchDistributorChoices,
  fetchCustomerChoices,
  fetchUsers,
  createUser,
  updateUser,
  type UserInput,
  tenantApi,
  type TenantInput,
  type TenantKind,
  resolveAlert,
  nodeApi,
  sendNodeBatch,
  type BatchOperation,
  type NodeInput,
  alertRuleApi,
  fetchAlertRules,
  fetchDeviceTypes,
  fetchNodeChoices,
  type AlertRuleInput,
  fetchDeliveries,
  fetchNotificationRules,
  notificationRuleApi,
  type NotificationRuleInput,
  fetchTags,
} from '../api/services';

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
  audit: (filters: AuditFilters) => ['audit', filters] as const,
};

export interface NodeFilters {
  status: string[];
  category: string[];
  communityId?: string | undefined;
  tag?: string | undefined;
  search?: string | undefined;
  sort?: string | undefined;
  cursor?: string | undefined;
}

export interface SeriesRange {
  from: string;
  to: string;
  resolution: string;
  metrics: string[];
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

/** The audit trail's filters, as the API names them; `actionType` one of CREATE, UPDATE, DELETE, ACCESS, AUTHENTICATE. */
export interface AuditFilters {
  actionType?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  userId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
}

export const useDashboardStats = () => useQuery({ queryKey: queryKeys.dashboard, queryFn: fetchDashboardStats });

export const useNodes = (filters: NodeFilters) =>
  useQuery({ queryKey: queryKeys.nodes(filters), placeholderData: keepPreviousData, queryFn: () => fetchNodes(filters) });

export const useNode = (id: string) => useQuery({ queryKey: queryKeys.node(id), queryFn: () => fetchNode(id) });

/** The labels of the nodes a list names by id (an alert page), read through the same cache as the node page. */
export function useNodeLabels(ids: readonly string[]): Map<string, string> {
  const nodes = useQueries({ queries: [...new Set(ids)].map((id) => ({ queryKey: queryKeys.node(id), queryFn: () => fetchNode(id), staleTime: 60_000 })) });
  return new Map(nodes.flatMap(({ data }) => (data?.node.id && data.node.label ? [[data.node.id, data.node.label] as const] : [])));
}

/** The names of the users a list names by id (the audit trail); one the caller may not read keeps its id. */
export function useUserNames(ids: readonly string[]): Map<string, string> {
  const users = useQueries({
    queries: [...new Set(ids)].map((id) => ({ queryKey: ['user', id] as const, queryFn: () => fetchUser(id), staleTime: 60_000, retry: false })),
  });
  return new Map(users.flatMap(({ data }) => (data ? [[data.id, `${data.displayName} (${data.email})`] as const] : [])));
}

export const useLatestReading = (id: string) => useQuery({ queryKey: queryKeys.latest(id), queryFn: () => fetchLatestReading(id) });

export const useNodeHealth = (id: string) => useQuery({ queryKey: queryKeys.health(id), queryFn: () => fetchNodeHealth(id) });

export const useSeries = (id: string, range: SeriesRange) =>
  useQuery({ queryKey: queryKeys.series(id, range), placeholderData: keepPreviousData, queryFn: () => fetchSeries(id, range) });

export const useUptime = (id: string, from: string, to: string) =>
  useQuery({ queryKey: queryKeys.uptime(id, from, to), queryFn: () => fetchUptime(id, from, to) });

export const useAlerts = (filters: AlertFilters) =>
  useQuery({ queryKey: queryKeys.alerts(filters), placeholderData: keepPreviousData, queryFn: () => fetchAlerts(filters) });

/** Acknowledge or resolve: on success every alert list and the overview are refetched. */
export function useAlertAction(action: 'acknowledge' | 'resolve') {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: action === 'acknowledge' ? acknowledgeAlert : resolveAlert,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
    },
  });
}

export const useNodeMap = () => useQuery({ queryKey: queryKeys.map, queryFn: fetchNodeMap });

/** The communities the caller may see, for filters (only asked for where the caller may read tenants). */
export const useCommunities = (enabled: boolean) => useQuery({ queryKey: ['communities'], enabled, staleTime: 60_000, queryFn: fetchCommunities });

/** The console's public settings (sign-in, map tiles): the same for everyone, read once. */
export const useConsoleSettings = () => useQuery({ queryKey: ['console-settings'], staleTime: Infinity, queryFn: fetchConsoleSettings });

export const useAuditLogs = (filters: AuditFilters, enabled: boolean) =>
  useQuery({ queryKey: queryKeys.audit(filters), enabled, placeholderData: keepPreviousData, queryFn: () => fetchAuditLogs(filters) });

export const useUptimeReport = (from: string, to: string, page: number) =>
  useQuery({ queryKey: ['reports', 'uptime', from, to, page], placeholderData: keepPreviousData, queryFn: () => fetchUptimeReport(from, to, page) });

export const useAlertStats = (from: string, to: string) => useQuery({ queryKey: ['reports', 'alerts', from, to], queryFn: () => fetchAlertStats(from, to) });

export const useTenants = (kind: TenantKind, page: number, enabled: boolean) =>
  // The last page stays up while the next loads, but never another level's rows under this level's name.
  useQuery({
    queryKey: ['tenants', kind, page],
    enabled,
    placeholderData: (previous, query) => (query?.queryKey[1] === kind ? previous : undefined),
    queryFn: () => tenantApi[kind].list(page),
  });

/** The distributors a superadmin may put a new community under. */
export const useDistributorChoices = (enabled: boolean) =>
  useQuery({ queryKey: ['distributors', 'choices'], enabled, staleTime: 60_000, queryFn: fetchDistributorChoices });

/** Creates (no id) or updates a tenant at the version read; every tenant list is read again after. */
export function useTenantSave(kind: TenantKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, version, input }: { id: string | null; version: number; input: TenantInput }): Promise<void> => {
      await (id ? tenantApi[kind].update(id, version, input) : tenantApi[kind].create(input));
    },
    onSuccess: () => invalidateTenants(queryClient),
  });
}

export function useTenantDelete(kind: TenantKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => tenantApi[kind].remove(id, version),
    onSuccess: () => invalidateTenants(queryClient),
  });
}

function invalidateTenants(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: ['tenants'] });
  void queryClient.invalidateQueries({ queryKey: ['communities'] });
  void queryClient.invalidateQueries({ queryKey: ['distributors'] });
}

export const useUsers = (role: string, page: number, enabled: boolean) =>
  useQuery({ queryKey: ['users', role, page], enabled, placeholderData: keepPreviousData, queryFn: () => fetchUsers(role, page) });

/** The customers a new customer user may belong to. */
export const useCustomerChoices = (enabled: boolean) => useQuery({ queryKey: ['customers', 'choices'], enabled, staleTime: 60_000, queryFn: fetchCustomerChoices });

/** Creates (no id) or updates a user at the version read; the user lists are read again after. */
export function useUserSave() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, version, input }: { id: string | null; version: number; input: UserInput }): Promise<void> => {
      await (id ? updateUser(id, version, input) : createUser(input));
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}

/** Categories and the analytics type each is read as: reference data, read once. */
export const useCategories = () => useQuery({ queryKey: ['reference', 'categories'], staleTime: Infinity, queryFn: nodeApi.categories });

/** The node as it is now, read when a save met someone else's version (to say what they changed). */
export const useTheirNode = (id: string, enabled: boolean) =>
  useQuery({ queryKey: ['node', id, 'theirs'], enabled, staleTime: 0, gcTime: 0, queryFn: () => fetchNode(id) });

function invalidateNodes(queryClient: ReturnType<typeof useQueryClient>, id?: string) {
  if (id) void queryClient.invalidateQueries({ queryKey: queryKeys.node(id) });
  void queryClient.invalidateQueries({ queryKey: ['nodes'] });
  void queryClient.invalidateQueries({ queryKey: ['tags'] });
  void queryClient.invalidateQueries({ queryKey: queryKeys.map });
  void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
}

/** Creates (no id) or edits a node at the version read; answers the stored node. */
export function useNodeSave() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, input }: { id: string | null; version: number; input: NodeInput }) =>
      id ? nodeApi.update(id, version, input) : nodeApi.create(input),
    onSuccess: (saved) => invalidateNodes(queryClient, saved.node.id),
  });
}

/**
 * One of a node's management calls (move, maintenance, tags, firmware, delete) through the node API; the node and
 * every node list are read again after it, whether it worked or not.
 */
export function useNodeChange<T, R = unknown>(id: string, call: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: call, onSettled: () => invalidateNodes(queryClient, id) });
}

/** Sends an import's node operations through the batch route; the node lists are read again after. */
export function useNodeImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ atomic, operations }: { atomic: boolean; operations: BatchOperation[] }) => sendNodeBatch(atomic, operations),
    onSettled: () => invalidateNodes(queryClient),
  });
}

export const useAlertRules = (page: number, enabled: boolean) =>
  useQuery({ queryKey: ['alert-rules', page], enabled, placeholderData: keepPreviousData, queryFn: () => fetchAlertRules(page) });

/** The analytics types and the fields each reports (reference data, read once): the metrics a rule may watch. */
export const useDeviceTypes = () => useQuery({ queryKey: ['reference', 'device-types'], staleTime: Infinity, queryFn: fetchDeviceTypes });

export const useNodeChoices = () => useQuery({ queryKey: ['nodes', 'choices'], staleTime: 60_000, queryFn: fetchNodeChoices });

/** Creates (no id) or replaces a rule at the version read; the rule list is read again after. */
export function useRuleSave() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, input }: { id: string | null; version: number; input: AlertRuleInput }) =>
      id ? alertRuleApi.update(id, version, input) : alertRuleApi.create(input),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] }),
  });
}

export function useRuleDelete() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => alertRuleApi.remove(id, version),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] }),
  });
}

/** Runs a backtest of the rule as the form holds it: asked for, never stored. */
export const useRuleBacktest = () =>
  useMutation({ mutationFn: ({ input, days }: { input: AlertRuleInput; days: number }) => alertRuleApi.backtest(input, days) });

export const useNotificationRules = (page: number) =>
  useQuery({ queryKey: ['notification-rules', page], placeholderData: keepPreviousData, queryFn: () => fetchNotificationRules(page) });

/** The caller's delivery log, newest first. */
export const useDeliveries = (page: number) => useQuery({ queryKey: ['deliveries', page], placeholderData: keepPreviousData, queryFn: () => fetchDeliveries(page) });

/** Creates (no id) or replaces one of the caller's notification rules at the version read. */
export function useNotificationSave() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, input }: { id: string | null; version: number; input: NotificationRuleInput }) =>
      id ? notificationRuleApi.update(id, version, input) : notificationRuleApi.create(input),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['notification-rules'] }),
  });
}

export function useNotificationDelete() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => notificationRuleApi.remove(id, version),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['notification-rules'] }),
  });
}

/** Sends a rule's channels a test message and answers how each receiver took it. */
export const useNotificationTest = () => useMutation({ mutationFn: (id: string) => notificationRuleApi.test(id) });

/** Tries a channel mapping on the channel's last entries: asked for, never stored. */
export const useChannelPreview = (id: string) =>
  useMutation({ mutationFn: (body: Parameters<typeof nodeApi.preview>[1]) => nodeApi.preview(id, body) });

/** The tags on the caller's nodes (name, value, id), for rule selectors. */
export const useTags = () => useQuery({ queryKey: ['tags'], staleTime: 60_000, queryFn: fetchTags });
