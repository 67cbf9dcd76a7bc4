import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Empty, ErrorState, formatTime, Loading, StatusBadge } from '../components/States';
import { useAuth } from '../auth/AuthContext';
import { useCommunities, useNodes, type NodeFilters } from '../hooks/queries';
import { ParamChecks } from '../components/ParamChecks';
import { useUrlFilters } from './params';
import { NodeForm } from './NodeForm';
import { NodeImport } from './NodeImport';

const Statuses = ['Online', 'Offline', 'Alert', 'Maintenance', 'Provisioning'];
const Categories = ['OHT', 'Sump', 'Borewell', 'FlowMeter'];
const Sorts: [string, string][] = [['label', 'Name'], ['-last_seen', 'Last seen (newest)'], ['status', 'Status'], ['-created_at', 'Newest']];

/** Every filter the API has, kept in the URL so a filtered list can be shared; keyset paging by cursor. */
export function filtersFrom(params: URLSearchParams): NodeFilters {
  return {
    status: params.getAll('status'),
    category: params.getAll('category'),
    communityId: params.get('community_id') ?? undefined,
    tag: params.get('tag') ?? undefined,
    search: params.get('search') ?? undefined,
    sort: params.get('sort') ?? 'label',
    cursor: params.get('cursor') ?? undefined,
  };
}

export default function NodesList() {
  const { params, filter: update, page } = useUrlFilters();
  const filters = filtersFrom(params);
  const nodes = useNodes(filters);
  const { can } = useAuth();
  const communities = useCommunities(can('tenants:read'));
  const navigate = useNavigate();
  const [adding, setAdding] = useState<'one' | 'csv' | null>(null);

  return (
    <section aria-labelledby="nodes-title">
      <h1 id="nodes-title">Nodes</h1>
      {can('nodes:write') ? (
        <div className="toolbar">
          <button type="button" onClick={() => setAdding('one')}>
            New node
          </button>
          <button type="button" onClick={() => setAdding('csv')}>
            Import CSV
          </button>
        </div>
      ) : null}
      {adding === 'one' ? <NodeForm details={null} onDone={(saved) => (saved ? navigate(`/nodes/${saved.node.id}`) : setAdding(null))} /> : null}
      {adding === 'csv' ? <NodeImport onDone={() => setAdding(null)} /> : null}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" defaultValue={filters.search} onBlur={(e) => update((n) => (e.target.value ? n.set('search', e.target.value) : n.delete('search')))}
            onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()} />
        </label>
        <ParamChecks legend="Status" name="status" options={Statuses} selected={filters.status} filter={update} />
        <ParamChecks legend="Category" name="category" options={Categories} selected={filters.category} filter={update} />
        {communities.data && communities.data.length > 1 ? (
          <label>
            Community
            <select value={filters.communityId ?? ''} onChange={(e) => update((n) => (e.target.value ? n.set('community_id', e.target.value) : n.delete('community_id')))}>
              <option value="">All</option>
              {communities.data.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Tag (name:value)
          <input defaultValue={filters.tag} onBlur={(e) => update((n) => (e.target.value ? n.set('tag', e.target.value) : n.delete('tag')))} />
        </label>
        <label>
          Sort
          <select value={filters.sort} onChange={(e) => update((n) => n.set('sort', e.target.value))}>
            {Sorts.map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {nodes.isPending ? (
        <Loading what="nodes" />
      ) : nodes.isError ? (
        <ErrorState error={nodes.error} what="nodes" />
      ) : nodes.data.items.length === 0 ? (
        <Empty>No node matches these filters.</Empty>
      ) : (
        <>
          <table className="list" data-testid="nodes-table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Category</th>
                <th scope="col">Status</th>
                <th scope="col">Last seen</th>
                <th scope="col">Location</th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.items.map((node) => (
                <tr key={node.id} data-node-id={node.id}>
                  <td>
                    <Link to={`/nodes/${node.id}`}>{node.label}</Link> <small>{node.nodeKey}</small>
                  </td>
                  <td>{node.category}</td>
                  <td>
                    <StatusBadge status={node.status ?? 'Provisioning'} />
                  </td>
                  <td>{formatTime(node.lastSeen)}</td>
                  <td>{node.locationName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pager" aria-label="Pages">
            {filters.cursor ? (
              <button type="button" onClick={() => page(null)}>
                First page
              </button>
            ) : null}
            {nodes.data.pagination?.nextCursor ? (
              <button type="button" onClick={() => page(nodes.data.pagination!.nextCursor!)}>
                Next page
              </button>
            ) : null}
          </nav>
        </>
      )}
    </section>
  );
}
