/** IPv4 CIDR arithmetic for validation and for carving subnets. */

/** True for a.b.c.d/n whose host bits are zero. */
export function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return false;
  const address = toNumber(octets);
  return (address & ~maskOf(prefix)) >>> 0 === 0;
}

/** The `index`-th subnet of `cidr` when it is split `newBits` further (like Terraform's cidrsubnet). */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const newPrefix = prefix + newBits;
  if (newPrefix > 28) throw new Error(`${cidr} split ${newBits} bits further is smaller than a /28`);
  if (index < 0 || index >= 2 ** newBits) throw new Error(`subnet ${index} does not fit in ${cidr} split ${newBits} bits`);
  const base = toNumber(address!.split('.').map(Number));
  const subnet = (base + index * 2 ** (32 - newPrefix)) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (subnet >>> shift) & 255).join('.')}/${newPrefix}`;
}

function toNumber(octets: number[]): number {
  return octets.reduce((n, o) => n * 256 + o, 0) >>> 0;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}
