import type { DeviceConfigInput, NodeCategory, NodeDetails, NodeInput, NodeOwner, TenantType } from '../api/services';

export const Categories: readonly NodeCategory[] = ['OHT', 'Sump', 'Borewell', 'FlowMeter'];

type ConfigField = keyof DeviceConfigInput;

/** Each analytics type's settings, as the API names them, with what the form calls them and whether one is required. */
export const ConfigFields: Record<string, { name: ConfigField; label: string; required: boolean }[]> = {
  EvaraTank: [
    { name: 'maxDepthCm', label: 'Tank depth (cm)', required: true },
    { name: 'sensorOffsetCm', label: 'Sensor offset (cm)', required: false },
    { name: 'lowLevelPercent', label: 'Low level (%)', required: false },
    { name: 'highLevelPercent', label: 'High level (%)', required: false },
  ],
  EvaraFlow: [
    { name: 'pipeDiameterMm', label: 'Pipe diameter (mm)', required: true },
    { name: 'pulsesPerLitre', label: 'Pulses per litre', required: true },
    { name: 'maxFlowRateLpm', label: 'Maximum flow (L/min)', required: false },
  ],
  EvaraDeep: [
    { name: 'wellDepthM', label: 'Well depth (m)', required: true },
    { name: 'pumpRatingKw', label: 'Pump rating (kW)', required: true },
    { name: 'pumpDepthM', label: 'Pump depth (m)', required: false },
  ],
};

/** The analytics type a category is read as (tanks by level, meters by flow, borewells by depth), as the API assigns it. */
export function analyticsTypeOf(category: string): string {
  return category === 'FlowMeter' ? 'EvaraFlow' : category === 'Borewell' ? 'EvaraDeep' : 'EvaraTank';
}

/** An owner choice's value in the owner picker: `Community:<id>`. */
export const ownerValue = (owner: NodeOwner) => `${owner.tenantType}:${owner.id}`;

export function ownerFrom(value: string): NodeOwner | null {
  const [type, id] = value.split(':');
  return (type === 'Distributor' || type === 'Community' || type === 'Customer') && id ? { tenantType: type as TenantType, id } : null;
}

/** The form's fields as typed (strings, from FormData), before they are checked. */
export interface NodeFormValues {
  nodeKey: string;
  label: string;
  category: string;
  owner: string;
  lat: string;
  lng: string;
  locationName: string;
  capacityLitres: string;
  config: Record<string, string>;
}

const number = (text: string) => (text.trim() === '' ? null : Number(text.trim()));

/**
 * The form's problems per field, named as the API names them (config settings as `config.maxDepthCm`), and the input
 * to send when there are none. Checked as the API checks them, so a message stands on its field before any request:
 * a key and a label, a category, on create an owner, coordinates on the globe and given together, numbers that are
 * numbers, and the type's required settings above zero.
 */
export function checkNode(values: NodeFormValues, creating: boolean): { problems: Record<string, string>; input: NodeInput | null } {
  const problems: Record<string, string> = {};
  if (creating && !values.nodeKey.trim()) problems.nodeKey = 'Give it a key (unique, e.g. WTR-OHT-012).';
  if (!values.label.trim()) problems.label = 'Give it a label.';
  const category = Categories.find((c) => c === values.category) ?? null;
  if (!category) problems.category = 'Choose a category.';
  const owner = creating ? ownerFrom(values.owner) : null;
  if (creating && !owner) problems.tenantType = 'Choose who owns it.';

  const lat = number(values.lat);
  const lng = number(values.lng);
  if (lat !== null && !(Number.isFinite(lat) && lat >= -90 && lat <= 90)) problems.lat = 'Latitude is a number from -90 to 90.';
  if (lng !== null && !(Number.isFinite(lng) && lng >= -180 && lng <= 180)) problems.lng = 'Longitude is a number from -180 to 180.';
  if ((lat === null) !== (lng === null)) problems[lat === null ? 'lat' : 'lng'] = 'Give both coordinates, or neither.';
  const capacity = number(values.capacityLitres);
  if (capacity !== null && !(Number.isFinite(capacity) && capacity > 0)) problems.capacityLitres = 'Capacity is a number of litres above 0.';

  const config: DeviceConfigInput = {};
  for (const setting of ConfigFields[analyticsTypeOf(values.category)] ?? []) {
    const value = number(values.config[setting.name] ?? '');
    const field = `config.${setting.name}`;
    if (value === null) {
      if (setting.required) problems[field] = `${setting.label} is required.`;
    } else if (!Number.isFinite(value)) {
      problems[field] = `${setting.label} is a number.`;
    } else if (setting.required && value <= 0) {
      problems[field] = `${setting.label} is above 0.`;
    } else {
      config[setting.name] = value;
    }
  }

  if (Object.keys(problems).length > 0 || !category) return { problems, input: null };
  return {
    problems,
    input: {
      nodeKey: values.nodeKey.trim(),
      label: values.label.trim(),
      category,
      owner,
      lat,
      lng,
      locationName: values.locationName.trim() || null,
      capacityLitres: capacity,
      config,
    },
  };
}

/** A stored node's editable fields, as the form shows them. */
export function formValuesOf(details: NodeDetails): Record<string, string> {
  const node = details.node;
  const config = (details.config ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  return {
    label: node.label ?? '',
    category: node.category ?? '',
    lat: text(node.lat),
    lng: text(node.lng),
    locationName: text(node.locationName),
    capacityLitres: text(node.capacityLitres),
    ...Object.fromEntries(Object.values(ConfigFields).flat().map((f) => [`config.${f.name}`, text(config[f.name])])),
  };
}

const FieldNames: Record<string, string> = {
  label: 'Label',
  category: 'Category',
  lat: 'Latitude',
  lng: 'Longitude',
  locationName: 'Location',
  capacityLitres: 'Capacity (L)',
  ...Object.fromEntries(Object.values(ConfigFields).flat().map((f) => [`config.${f.name}`, f.label])),
};

/** What someone else changed between the version the form read and theirs, one line per field: `Label: Tank A → Tank B`. */
export function nodeChanges(read: NodeDetails, theirs: NodeDetails): string[] {
  const before = formValuesOf(read);
  const after = formValuesOf(theirs);
  const changed = Object.keys(FieldNames)
    .filter((field) => (before[field] ?? '') !== (after[field] ?? ''))
    .map((field) => `${FieldNames[field]}: ${before[field] || '(none)'} → ${after[field] || '(none)'}`);
  const tags = (d: NodeDetails) => d.tags.map((t) => `${t.name}:${t.value}`).sort().join(', ');
  if (tags(read) !== tags(theirs)) changed.push(`Tags: ${tags(read) || '(none)'} → ${tags(theirs) || '(none)'}`);
  if (read.node.tenantType !== theirs.node.tenantType || ownerOf(read) !== ownerOf(theirs)) changed.push('Owner: moved to another tenant');
  return changed;
}

const ownerOf = (d: NodeDetails) => d.node.customerId ?? d.node.communityId ?? d.node.distributorId ?? '';
