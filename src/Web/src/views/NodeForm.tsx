import { useState, type FormEvent } from 'react';
import type { NodeDetails } from '../api/services';
import { useAuth } from '../auth/AuthContext';
import { fieldProblems, Problem, problemProps, TextField } from '../components/FieldProblems';
import { FormFooter, isVersionConflict } from '../components/FormFooter';
import { useCommunities, useCustomerChoices, useDistributorChoices, useNodeSave, useTheirNode } from '../hooks/queries';
import { analyticsTypeOf, Categories, checkNode, ConfigFields, formValuesOf, nodeChanges } from './nodeForm';

/**
 * Create a node (key, owner, category and the settings of the analytics type that category is read as) or edit one at
 * the version read. Problems stand on their fields, the API's own refusals too; when someone saved first, the form says
 * what they changed and reloads their version under the user's input.
 */
export function NodeForm({ details, onDone }: { details: NodeDetails | null; onDone: (saved: NodeDetails | null) => void }) {
  const creating = !details;
  const save = useNodeSave();
  const [category, setCategory] = useState<string>(details?.node.category ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [version, setVersion] = useState(details?.node.version ?? 0);
  const [reloaded, setReloaded] = useState(false);
  const conflict = isVersionConflict(save.error);
  const theirs = useTheirNode(details?.node.id ?? '', conflict && !creating);
  const shown = fieldProblems(save.error, problems);
  const initial = details ? formValuesOf(details) : {};
  const analyticsType = category ? analyticsTypeOf(category) : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '');
    const { problems: found, input } = checkNode({
      nodeKey: text('nodeKey'),
      label: text('label'),
      category: text('category'),
      owner: text('owner'),
      lat: text('lat'),
      lng: text('lng'),
      locationName: text('locationName'),
      capacityLitres: text('capacityLitres'),
      config: Object.fromEntries(Object.values(ConfigFields).flat().map((f) => [f.name, text(`config.${f.name}`)])),
    }, creating);
    setProblems(found);
    if (!input) return;
    save.mutate({ id: details?.node.id ?? null, version, input }, { onSuccess: (saved) => onDone(saved) });
  };

  const reload = async () => {
    const current = theirs.data ?? (await theirs.refetch()).data;
    if (!current) return;
    setVersion(current.node.version ?? 0);
    setReloaded(true);
    save.reset();
  };

  const field = (name: string) => problemProps('node', name, shown);
  const problem = (name: string) => <Problem form="node" name={name} problems={shown} />;
  const title = details ? `Edit ${details.node.label}` : 'New node';
  return (
    <form className="panel edit-form" onSubmit={submit} noValidate aria-label={title}>
      <h2>{title}</h2>
      {creating ? (
        <>
          <TextField form="node" name="nodeKey" label="Key" problems={shown} />
          <OwnerPicker form="node" problems={shown} />
        </>
      ) : null}
      <TextField form="node" name="label" label="Label" problems={shown} defaultValue={initial.label} />
      <div className="field">
        <label htmlFor="node-category">Category</label>
        <select name="category" value={category} onChange={(e) => setCategory(e.target.value)} {...field('category')}>
          <option value="">choose…</option>
          {Categories.map((c) => (
            <option key={c} value={c}>
              {c} ({analyticsTypeOf(c)})
            </option>
          ))}
        </select>
        {problem('category')}
      </div>
      <TextField form="node" name="lat" label="Latitude" problems={shown} defaultValue={initial.lat} decimal />
      <TextField form="node" name="lng" label="Longitude" problems={shown} defaultValue={initial.lng} decimal />
      <TextField form="node" name="locationName" label="Location" problems={shown} defaultValue={initial.locationName} />
      <TextField form="node" name="capacityLitres" label="Capacity (L)" problems={shown} defaultValue={initial.capacityLitres} decimal />
      {analyticsType ? (
        <fieldset className="settings">
          <legend>{analyticsType} settings</legend>
          {ConfigFields[analyticsType]!.map((setting) => (
            <TextField key={`${analyticsType}-${setting.name}`} form="node" name={`config.${setting.name}`} label={`${setting.label}${setting.required ? ' *' : ''}`}
              problems={shown} defaultValue={initial[`config.${setting.name}`]} decimal />
          ))}
        </fieldset>
      ) : null}
      <FormFooter what="node" error={save.error} pending={save.isPending} reloaded={reloaded}
        changes={details && theirs.data ? nodeChanges(details, theirs.data) : []} onReload={() => void reload()} onCancel={() => onDone(null)} />
    </form>
  );
}

/**
 * The owners a node may have in the caller's scope, one choice: a superadmin's distributors, a distributor's own
 * distributor, and the communities and customers the caller sees. Its value is `Community:<id>` (see ownerFrom).
 */
export function OwnerPicker({ form, problems, label = 'Owner' }: { form: string; problems: Record<string, string>; label?: string }) {
  const { me } = useAuth();
  const superadmin = me?.role === 'superadmin';
  const distributors = useDistributorChoices(superadmin);
  const communities = useCommunities(true);
  const customers = useCustomerChoices(true);
  // The API names the owner's missing or refused id by its own field; they all stand on this one choice.
  const ownerProblem = problems.tenantType ?? problems.distributorId ?? problems.communityId ?? problems.customerId;
  const shown: Record<string, string> = ownerProblem ? { tenantType: ownerProblem } : {};
  const own = !superadmin && me?.distributorId ? [{ id: me.distributorId, name: 'My distributor' }] : [];
  const groups = [
    { type: 'Distributor', label: 'Distributors', items: superadmin ? (distributors.data ?? []) : own },
    { type: 'Community', label: 'Communities', items: communities.data ?? [] },
    { type: 'Customer', label: 'Customers', items: customers.data ?? [] },
  ];
  return (
    <div className="field">
      <label htmlFor={`${form}-tenantType`}>{label}</label>
      <select name="owner" defaultValue="" {...problemProps(form, 'tenantType', shown)}>
        <option value="">choose…</option>
        {groups.filter((g) => g.items.length > 0).map((g) => (
          <optgroup key={g.type} label={g.label}>
            {g.items.map((t) => (
              <option key={t.id} value={`${g.type}:${t.id}`}>
                {t.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <Problem form={form} name="tenantType" problems={shown} />
    </div>
  );
}
