import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Schemas } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { queryKeys } from './queries';

interface TelemetryUpdate {
  nodeId: string;
  latestAt: string | null;
  latest: Record<string, number> | null;
}

interface NodeMessage {
  nodeId: string;
}

/**
 * The realtime hub feeds the query cache, never a second store: the latest reading of a node is written in place and
 * whatever a change makes stale (its series, the lists, the alerts, the overview) is refetched.
 */
export function useLiveUpdates(): void {
  const { token } = useAuth();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!token) return;
    const connection = new HubConnectionBuilder()
      .withUrl('/hubs/realtime', { accessTokenFactory: () => token })
      .withAutomaticReconnect()
      .configureLogging(LogLevel.Warning)
      .build();

    connection.on('Telemetry', ({ updates }: { updates: TelemetryUpdate[] }) => {
      for (const update of updates) {
        queryClient.setQueryData<Schemas['LatestReading']>(queryKeys.latest(update.nodeId), (current) =>
          current && update.latest && update.latestAt
            ? { ...current, timestamp: update.latestAt, values: { ...current.values, ...update.latest } }
            : current,
        );
        // The latest values came with the message; only the chart has to be read again.
        void queryClient.invalidateQueries({ queryKey: ['node', update.nodeId, 'series'] });
      }
    });
    connection.on('NodeStatusChanged', (message: NodeMessage) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.node(message.nodeId), exact: true });
      void queryClient.invalidateQueries({ queryKey: ['nodes'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.map });
    });
    const alertChanged = () => {
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard });
    };
    connection.on('AlertRaised', alertChanged);
    connection.on('AlertAcknowledged', alertChanged);
    connection.on('AlertResolved', alertChanged);
    connection.on('DashboardStatsChanged', () => void queryClient.invalidateQueries({ queryKey: queryKeys.dashboard }));
    const subscribe = async () => {
      await connection.invoke('SubscribeScope');
      document.documentElement.dataset.live = 'connected';
    };
    // Whatever happened while the connection was down is read again.
    connection.onreconnected(() => {
      void subscribe().catch(() => undefined);
      void queryClient.invalidateQueries();
    });

    let stopped = false;
    let retry: number | undefined;
    const connect = () => {
      connection
        .start()
        .then(() => (stopped ? undefined : subscribe()))
        .catch(() => {
          if (!stopped) retry = window.setTimeout(connect, 5_000);
        });
    };
    // The automatic reconnect gives up after a while; so does not the console.
    connection.onclose(() => {
      delete document.documentElement.dataset.live;
      if (!stopped) {
        retry = window.setTimeout(connect, 5_000);
        void queryClient.invalidateQueries();
      }
    });
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      delete document.documentElement.dataset.live;
      if (connection.state !== HubConnectionState.Disconnected) void connection.stop();
    };
  }, [token, queryClient]);
}
