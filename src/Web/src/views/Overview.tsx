import { Link } from 'react-router-dom';
import { ErrorState, Loading } from '../components/States';
import { useDashboardStats } from '../hooks/queries';

/** The caller's scope at a glance; the hub's DashboardStatsChanged refetches it. */
export default function Overview() {
  const stats = useDashboardStats();
  if (stats.isPending) return <Loading what="overview" />;
  if (stats.isError) return <ErrorState error={stats.error} what="overview" />;
  const { nodes, activeAlerts, health, readings24h, refreshedAt } = stats.data;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div className="cards">
        <Card title="Nodes" testId="nodes" rows={[['Total', nodes.total], ['Online', nodes.online], ['Offline', nodes.offline], ['Alert', nodes.alert], ['Maintenance', nodes.maintenance], ['Provisioning', nodes.provisioning]]} link="/nodes" />
        <Card title="Active alerts" testId="alerts" rows={[['Critical', activeAlerts.critical], ['Warning', activeAlerts.warning], ['Info', activeAlerts.info]]} link="/alerts" />
        <Card title="Health" testId="health" rows={[['Good', health.good], ['Fair', health.fair], ['Poor', health.poor], ['Unknown', health.unknown]]} />
        <Card title="Readings" testId="readings" rows={[['Last 24 h', readings24h]]} />
      </div>
      <p className="muted-text">Figures as of {refreshedAt ? new Date(refreshedAt).toLocaleTimeString() : 'the first refresh'}.</p>
    </section>
  );
}

function Card({ title, rows, link, testId }: { title: string; rows: [string, number][]; link?: string; testId: string }) {
  return (
    <article className="card" aria-label={title} data-testid={`card-${testId}`}>
      <h2>{link ? <Link to={link}>{title}</Link> : title}</h2>
      <dl>
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd data-testid={`${testId}-${name.toLowerCase().replace(/\s+/g, '-')}`}>{value.toLocaleString()}</dd>
          </div>
        ))}
      </dl>
    </article>
  );
}
