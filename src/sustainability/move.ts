// Whether moving a running flexible workload to a greener site pays off, with the arithmetic spelled out.

export interface MoveInput {
  /** The workload's facility power draw (kW, IT × PUE of each site is folded into the intensities below). */
  powerKW: number;
  /** Mean effective intensity (gCO2/kWh of IT load, PUE included) over the horizon where it runs now. */
  currentIntensity: number;
  /** The same at the candidate site. */
  candidateIntensity: number;
  /** How long the workload is expected to keep running (hours). */
  horizonHours: number;
  /** State copied to the new site (GB) and the network's energy per GB (kWh/GB), charged at the mean intensity. */
  transferGB: number;
  kWhPerGB: number;
  /** Make-before-break: both copies run this long (hours) during the move. */
  overlapHours: number;
  /** Required advantage: the saving must exceed the cost by this fraction (0.2 = 20 %). */
  margin: number;
}

export interface MoveVerdict {
  move: boolean;
  savedGrams: number;
  costGrams: number;
  /** The calculation in words, for `explain`. */
  arithmetic: string;
}

const g = (x: number): string => `${x >= 100 ? Math.round(x) : x.toFixed(1)} g`;

/**
 * saved = powerKW × horizon × (current − candidate); cost = transferGB × kWhPerGB × mean(current, candidate)
 * + powerKW × overlap × candidate (the new copy runs beside the old one); move when saved > cost × (1 + margin).
 */
export function decideMove(i: MoveInput): MoveVerdict {
  const savedGrams = i.powerKW * i.horizonHours * (i.currentIntensity - i.candidateIntensity);
  const transfer = i.transferGB * i.kWhPerGB * ((i.currentIntensity + i.candidateIntensity) / 2);
  const overlap = i.powerKW * i.overlapHours * i.candidateIntensity;
  const costGrams = transfer + overlap;
  const move = savedGrams > costGrams * (1 + i.margin);
  const arithmetic =
    `saves ${g(savedGrams)} over ${i.horizonHours} h (${i.powerKW} kW × ${i.horizonHours} h × ` +
    `(${Math.round(i.currentIntensity)} − ${Math.round(i.candidateIntensity)}) g/kWh); moving costs ` +
    `${g(costGrams)} (transfer ${i.transferGB} GB × ${i.kWhPerGB} kWh/GB × ` +
    `${Math.round((i.currentIntensity + i.candidateIntensity) / 2)} g/kWh = ${g(transfer)}, overlap ` +
    `${i.powerKW} kW × ${i.overlapHours} h × ${Math.round(i.candidateIntensity)} g/kWh = ${g(overlap)}); ` +
    `margin ${Math.round(i.margin * 100)} % → ${move ? 'move' : 'stay'}`;
  return { move, savedGrams, costGrams, arithmetic };
}
