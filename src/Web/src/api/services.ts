import { api, unwrap, unwrapAll, unwrapPage, type Schemas } from './client';
import type { AlertFilters, AuditFilters, NodeFilters, SeriesRange } from '../hooks/queries';

/**
 * The platform's API as the console calls it, one service method per call (fetchDashboardStats, fetchNodes, …):
 * each sends one typed request and answers the envelope's data, or throws an ApiError.
 */
export const fetchDashboardStats = () => unwrap(api.GET('/api/v1/dashboard/stats'));

/** The fields the node list shows: the rest of a node is left on the server. */
export const NodeListFields = ['id', 'label', 'nodeKey', 'category', 'status', 'lastSeen', 'locationName'];

export const fetchNodes = (filters: NodeFilters) =>
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
  );

export const fetchNode = (id: string) => unwrap(api.GET('/api/v1/nodes/{id}', { params: { path: { id } } }));

export const fetchUser = (id: string) => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } } }));

export const fetchLatestReading = (id: string) => unwrap(api.GET('/api/v1/nodes/{id}/telemetry/latest', { params: { path: { id } } }));

export const fetchNodeHealth = (id: string) => unwrap(api.GET('/api/v1/nodes/{id}/health', { params: { path: { id } } }));

/** Raw pages of 5,000 read on, up to this many: a week at one reading a minute is two. */
const MaxSeriesPages = 6;

/** The range's whole series, reading on through the cursor; `truncated` when it holds more than the chart takes. */
export async function fetchSeries(id: string, range: SeriesRange) {
  let cursor: string | undefined;
  let series: Awaited<ReturnType<typeof seriesPage>>['items'] | undefined;
  for (let page = 0; page < MaxSeriesPages; page++) {
    const { items, pagination } = await seriesPage(id, range, cursor);
    series = series ? { ...series, points: [...series.points, ...items.points] } : items;
    cursor = pagination?.nextCursor ?? undefined;
    if (!cursor) return { ...series, truncated: false };
  }

  return { ...series!, truncated: true };
}

const seriesPage = (id: string, range: SeriesRange, cursor: string | undefined) =>
  unwrapPage(
    api.GET('/api/v1/nodes/{id}/telemetry', {
      params: {
        path: { id },
        query: { from: range.from, to: range.to, resolution: range.resolution, metrics: range.metrics.join(',') || undefined, limit: 5000, cursor },
      },
    }),
  );

export const fetchUptime = (id: string, from: string, to: string) =>
  unwrap(api.GET('/api/v1/nodes/{id}/uptime', { params: { path: { id }, query: { from, to } } }));

export const fetchAlerts = (filters: AlertFilters) =>
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
  );

export const acknowledgeAlert = (id: string) => unwrap(api.POST('/api/v1/alerts/{id}/acknowledge', { params: { path: { id } } }));

export const resolveAlert = (id: string) => unwrap(api.POST('/api/v1/alerts/{id}/resolve', { params: { path: { id } } }));

export const fetchNodeMap = () => unwrap(api.GET('/api/v1/nodes/map'));

export const fetchCommunities = () => unwrapAll((page) => api.GET('/api/v1/communities', { params: { query: { page, limit: 100, sort: 'name' } } }));

export const fetchConsoleSettings = () => unwrap(api.GET('/api/v1/console/settings'));

export const fetchMe = () => unwrap(api.GET('/api/v1/me'));

export const logIn = (email: string, password: string) => unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }));

/** The range as the CSV the API streams (the bearer token rides along, so it is fetched rather than linked). */
export async function fetchTelemetryCsv(id: string, from: string, to: string): Promise<Blob> {
  const { data, response } = await api.GET('/api/v1/nodes/{id}/telemetry/export', { params: { path: { id }, query: { from, to } }, parseAs: 'blob' });
  if (!response.ok || !(data instanceof Blob)) throw new Error(`The export failed (HTTP ${response.status}).`);
  return data;
}

const auditQuery = (filters: AuditFilters) => ({
  action_type: filters.actionType || undefined,
  resource_type: filters.resourceType || undefined,
  resource_id: filters.resourceId || undefined,
  user_id: filters.userId || undefined,
  from: filters.from,
  to: filters.to,
});

export const fetchAuditLogs = (filters: AuditFilters) =>
  unwrapPage(api.GET('/api/v1/audit-logs', { params: { query: { ...auditQuery(filters), cursor: filters.cursor, limit: 25 } } }));

/** The filtered trail as the CSV the API streams (fetched, so the bearer token rides along). */
export async function fetchAuditCsv(filters: AuditFilters): Promise<Blob> {
  const { data, response } = await api.GET('/api/v1/audit-logs/export', { params: { query: auditQuery(filters) }, parseAs: 'blob' });
  if (!response.ok || !(data instanceof Blob)) throw new Error(`The export failed (HTTP ${response.status}).`);
  return data;
}

export const fetchUptimeReport = (from: string, to: string, page: number) =>
  unwrapPage(api.GET('/api/v1/reports/uptime', { params: { query: { from, to, page, limit: 25 } } }));

/** Every node's uptime over the period as the CSV the API streams. */
export async function fetchUptimeCsv(from: string, to: string): Promise<Blob> {
  const { data, response } = await api.GET('/api/v1/reports/uptime/export', { params: { query: { from, to } }, parseAs: 'blob' });
  if (!response.ok || !(data instanceof Blob)) throw new Error(`The export failed (HTTP ${response.status}).`);
  return data;
}

export const fetchAlertStats = (from: string, to: string) => unwrap(api.GET('/api/v1/alerts/stats', { params: { query: { from, to } } }));

/** The three tenant levels the console manages, as the API names their collections. */
export type TenantKind = 'distributors' | 'communities' | 'customers';

/** A tenant as the console lists and edits it: the kind's second field is a slug (communities) or a contact email. */
export interface TenantRow {
  id: string;
  parentId: string | null;
  name: string;
  second: string;
  isActive: boolean;
  version: number;
}

/** What the form sends: the parent only on create (a distributor has none), active only on edit. */
export interface TenantInput {
  parentId: string;
  name: string;
  second: string;
  isActive: boolean;
}

const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

const emailOrNull = (value: string) => (value.trim() ? value.trim() : null);

/**
 * Each tenant level's calls, one service method per API call, answering {@link TenantRow}s: the list (a page, by
 * name), create, update and delete at the version read (If-Match).
 */
export const tenantApi = {
  distributors: {
    list: async (page: number) => {
      const { items, pagination } = await unwrapPage(api.GET('/api/v1/distributors', { params: { query: { page, limit: 25, sort: 'name' } } }));
      return { items: items.map((d): TenantRow => ({ id: d.id, parentId: null, name: d.name, second: d.contactEmail ?? '', isActive: d.isActive, version: d.version })), pagination };
    },
    create: (input: TenantInput) => unwrap(api.POST('/api/v1/distributors', { body: { name: input.name, contactEmail: emailOrNull(input.second) } })),
    update: (id: string, version: number, input: TenantInput) =>
      unwrap(api.PUT('/api/v1/distributors/{id}', { params: { path: { id } }, headers: ifMatch(version), body: { name: input.name, contactEmail: emailOrNull(input.second), isActive: input.isActive } })),
    remove: (id: string, version: number) => unwrap(api.DELETE('/api/v1/distributors/{id}', { params: { path: { id } }, headers: ifMatch(version) })),
    get: (id: string) => unwrap(api.GET('/api/v1/distributors/{id}', { params: { path: { id } } })).then((d) => d.version),
  },
  communities: {
    list: async (page: number) => {
      const { items, pagination } = await unwrapPage(api.GET('/api/v1/communities', { params: { query: { page, limit: 25, sort: 'name' } } }));
      return { items: items.map((c): TenantRow => ({ id: c.id, parentId: c.distributorId, name: c.name, second: c.slug, isActive: c.isActive, version: c.version })), pagination };
    },
    create: (input: TenantInput) => unwrap(api.POST('/api/v1/communities', { body: { distributorId: input.parentId, name: input.name, slug: input.second } })),
    update: (id: string, version: number, input: TenantInput) =>
      unwrap(api.PUT('/api/v1/communities/{id}', { params: { path: { id } }, headers: ifMatch(version), body: { name: input.name, slug: input.second, isActive: input.isActive } })),
    remove: (id: string, version: number) => unwrap(api.DELETE('/api/v1/communities/{id}', { params: { path: { id } }, headers: ifMatch(version) })),
    get: (id: string) => unwrap(api.GET('/api/v1/communities/{id}', { params: { path: { id } } })).then((c) => c.version),
  },
  customers: {
    list: async (page: number) => {
      const { items, pagination } = await unwrapPage(api.GET('/api/v1/customers', { params: { query: { page, limit: 25, sort: 'name' } } }));
      return { items: items.map((c): TenantRow => ({ id: c.id, parentId: c.communityId, name: c.name, second: c.contactEmail ?? '', isActive: c.isActive, version: c.version })), pagination };
    },
    create: (input: TenantInput) => unwrap(api.POST('/api/v1/customers', { body: { communityId: input.parentId, name: input.name, contactEmail: emailOrNull(input.second) } })),
    update: (id: string, version: number, input: TenantInput) =>
      unwrap(api.PUT('/api/v1/customers/{id}', { params: { path: { id } }, headers: ifMatch(version), body: { name: input.name, contactEmail: emailOrNull(input.second), isActive: input.isActive } })),
    remove: (id: string, version: number) => unwrap(api.DELETE('/api/v1/customers/{id}', { params: { path: { id } }, headers: ifMatch(version) })),
    get: (id: string) => unwrap(api.GET('/api/v1/customers/{id}', { params: { path: { id } } })).then((c) => c.version),
  },
} as const;

export const fetchDistributorChoices = () => unwrapAll((page) => api.GET('/api/v1/distributors', { params: { query: { page, limit: 100, sort: 'name' } } }));

export type Role = Schemas['Role'];

/** A user as the form edits it; the password only when one is set (the local sign-in), never read back. */
export interface UserInput {
  email: string;
  displayName: string;
  role: Role;
  plan: string;
  distributorId: string;
  customerId: string;
  password: string;
  isActive: boolean;
}

export const fetchUsers = (role: string, page: number) =>
  unwrapPage(api.GET('/api/v1/users', { params: { query: { role: role || undefined, page, limit: 25, sort: 'email' } } }));

export const createUser = (input: UserInput) =>
  unwrap(api.POST('/api/v1/users', {
    body: {
      id: null, email: input.email, displayName: input.displayName, role: input.role, plan: input.plan,
      distributorId: input.distributorId || null, customerId: input.customerId || null, password: input.password || null,
    },
  }));

export const updateUser = (id: string, version: number, input: UserInput) =>
  unwrap(api.PUT('/api/v1/users/{id}', {
    params: { path: { id } },
    headers: ifMatch(version),
    body: {
      displayName: input.displayName, role: input.role, plan: input.plan, distributorId: input.distributorId || null,
      customerId: input.customerId || null, isActive: input.isActive, password: input.password || null,
    },
  }));

export const fetchUserVersion = (id: string) => fetchUser(id).then((u) => u.version);

export const fetchCustomerChoices = () => unwrapAll((page) => api.GET('/api/v1/customers', { params: { query: { page, limit: 100, sort: 'name' } } }));

export type NodeDetails = Schemas['NodeDetails'];
export type NodeCategory = NonNullable<Schemas['NodeCategory']>;
export type TenantType = NonNullable<Schemas['TenantType']>;
export type DeviceConfigInput = Schemas['DeviceConfigInput'];

/** A node's owner as the API names it: the tenant level and that tenant's id. */
export interface NodeOwner {
  tenantType: TenantType;
  id: string;
}

/** What a node form sends, already checked and converted (see nodeForm.ts). */
export interface NodeInput {
  nodeKey: string;
  label: string;
  category: NodeCategory;
  owner: NodeOwner | null;
  lat: number | null;
  lng: number | null;
  locationName: string | null;
  capacityLitres: number | null;
  config: DeviceConfigInput;
}

const ownerFields = (owner: NodeOwner) => ({
  tenantType: owner.tenantType,
  distributorId: owner.tenantType === 'Distributor' ? owner.id : null,
  communityId: owner.tenantType === 'Community' ? owner.id : null,
  customerId: owner.tenantType === 'Customer' ? owner.id : null,
});

/** The node API's writes, one service method per call; edits, moves and deletes at the node version read (If-Match). */
export const nodeApi = {
  categories: () => unwrap(api.GET('/api/v1/reference/categories')),
  create: (input: NodeInput) =>
    unwrap(api.POST('/api/v1/nodes', {
      body: {
        nodeKey: input.nodeKey, label: input.label, category: input.category, analyticsType: null, ...ownerFields(input.owner!),
        lat: input.lat, lng: input.lng, locationName: input.locationName, capacityLitres: input.capacityLitres, config: input.config,
      },
    })),
  update: (id: string, version: number, input: NodeInput) =>
    unwrap(api.PUT('/api/v1/nodes/{id}', {
      params: { path: { id } },
      headers: ifMatch(version),
      body: { label: input.label, category: input.category, lat: input.lat, lng: input.lng, locationName: input.locationName, capacityLitres: input.capacityLitres, config: input.config },
    })),
  move: (id: string, version: number, owner: NodeOwner) =>
    unwrap(api.POST('/api/v1/nodes/{id}/move', { params: { path: { id } }, headers: ifMatch(version), body: ownerFields(owner) })),
  remove: (id: string, version: number) => unwrap(api.DELETE('/api/v1/nodes/{id}', { params: { path: { id } }, headers: ifMatch(version) })),
  maintenance: (id: string, enabled: boolean) => unwrap(api.PUT('/api/v1/nodes/{id}/maintenance', { params: { path: { id } }, body: { enabled } })),
  tag: (id: string, name: string, value: string) => unwrap(api.POST('/api/v1/nodes/{id}/tags', { params: { path: { id } }, body: { name, value } })),
  untag: (id: string, name: string, value: string) => unwrap(api.DELETE('/api/v1/nodes/{id}/tags', { params: { path: { id }, query: { name, value } } })),
  firmware: (id: string, body: Schemas['FirmwareBody']) => unwrap(api.PUT('/api/v1/nodes/{id}/firmware', { params: { path: { id } }, body })),
  channel: (id: string, version: number, body: Schemas['ChannelBody']) =>
    unwrap(api.PUT('/api/v1/nodes/{id}/channel', { params: { path: { id } }, headers: ifMatch(version), body })),
  preview: (id: string, body: Schemas['PreviewBody']) => unwrap(api.POST('/api/v1/nodes/{id}/channel/preview', { params: { path: { id } }, body })),
  issueWriteKey: (id: string) => unwrap(api.POST('/api/v1/nodes/{id}/channel/write-key', { params: { path: { id } } })),
  addCalibration: (id: string, body: Schemas['CalibrationBody']) => unwrap(api.POST('/api/v1/nodes/{id}/calibrations', { params: { path: { id } }, body })),
  closeCalibration: (id: string, calibrationId: string, validUntil: string) =>
    unwrap(api.POST('/api/v1/nodes/{id}/calibrations/{calibrationId}/close', { params: { path: { id, calibrationId } }, body: { validUntil } })),
};

export type BatchResult = Schemas['BatchResult'];
export type BatchOperation = Schemas['BatchOperation'];

/**
 * Sends node operations through the batch route and answers its per-item result either way: a batch that stored
 * what it could (200), or an all-or-nothing batch rolled back by a failed item (422, the same result beside its errors).
 */
export async function sendNodeBatch(atomic: boolean, operations: BatchOperation[]): Promise<BatchResult> {
  const { data, error, response } = await api.POST('/api/v1/nodes/batch', { body: { atomic, operations } });
  const result = (response.ok ? data?.data : (error as { data?: BatchResult | null } | undefined)?.data) ?? null;
  if (result) return result;
  return unwrap(Promise.resolve({ data, error, response }));
}

export type AlertRule = Schemas['AlertRuleDto'];
export type AlertRuleInput = Schemas['AlertRuleInput'];
export type BacktestResult = Schemas['BacktestResult'];

export const fetchAlertRules = (page: number) =>
  unwrapPage(api.GET('/api/v1/alert-rules', { params: { query: { page, limit: 25, sort: 'name' } } }));

/** Alert rules' writes, at the version read (If-Match) for replace and delete. */
export const alertRuleApi = {
  create: (input: AlertRuleInput) => unwrap(api.POST('/api/v1/alert-rules', { body: input })),
  update: (id: string, version: number, input: AlertRuleInput) =>
    unwrap(api.PUT('/api/v1/alert-rules/{id}', { params: { path: { id } }, headers: ifMatch(version), body: input })),
  remove: (id: string, version: number) => unwrap(api.DELETE('/api/v1/alert-rules/{id}', { params: { path: { id } }, headers: ifMatch(version) })),
  version: (id: string) => unwrap(api.GET('/api/v1/alert-rules/{id}', { params: { path: { id } } })).then((r) => r.version),
  backtest: (input: AlertRuleInput, days: number) => unwrap(api.POST('/api/v1/alert-rules/backtest', { params: { query: { days } }, body: input })),
};

export const fetchDeviceTypes = () => unwrap(api.GET('/api/v1/reference/device-types'));

/** The nodes a rule may target (the first 100 by label), with the type that says which metrics they report. */
export const fetchNodeChoices = () =>
  unwrapAll((page) => api.GET('/api/v1/nodes', { params: { query: { page, limit: 100, sort: 'label', fields: 'id,label,analyticsType' } } }));

export type NotificationRule = Schemas['NotificationRuleDto'];
export type NotificationRuleInput = Schemas['NotificationRuleInput'];

export const fetchNotificationRules = (page: number) =>
  unwrapPage(api.GET('/api/v1/notification-rules', { params: { query: { page, limit: 25 } } }));

/** The caller's own notification rules' writes (replace and delete at the version read) and the test send. */
export const notificationRuleApi = {
  create: (input: NotificationRuleInput) => unwrap(api.POST('/api/v1/notification-rules', { body: input })),
  update: (id: string, version: number, input: NotificationRuleInput) =>
    unwrap(api.PUT('/api/v1/notification-rules/{id}', { params: { path: { id } }, headers: ifMatch(version), body: input })),
  remove: (id: string, version: number) => unwrap(api.DELETE('/api/v1/notification-rules/{id}', { params: { path: { id } }, headers: ifMatch(version) })),
  version: (id: string) => unwrap(api.GET('/api/v1/notification-rules/{id}', { params: { path: { id } } })).then((r) => r.version),
  test: (id: string) => unwrap(api.POST('/api/v1/notification-rules/{id}/test', { params: { path: { id } } })),
};

export const fetchDeliveries = (page: number) => unwrapPage(api.GET('/api/v1/notifications', { params: { query: { page, limit: 25 } } }));

/** The tags on the caller's nodes, each with the id rule selectors name. */
export const fetchTags = () => unwrap(api.GET('/api/v1/tags'));
