import type { ReactNode } from 'react';

/**
 * A list row's actions with a delete that asks first: the row's own buttons and Delete, or, once asked,
 * "Delete <name>?" with Yes and Keep.
 */
export function ConfirmDelete({ name, confirming, pending, onAsk, onConfirm, onKeep, children }: {
  name: string;
  confirming: boolean;
  pending: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onKeep: () => void;
  children?: ReactNode;
}) {
  return confirming ? (
    <>
      <span>Delete {name}? </span>
      <button type="button" disabled={pending} onClick={onConfirm}>
        Yes, delete
      </button>
      <button type="button" onClick={onKeep}>
        Keep
      </button>
    </>
  ) : (
    <>
      {children}
      <button type="button" onClick={onAsk} aria-label={`Delete ${name}`}>
        Delete
      </button>
    </>
  );
}
