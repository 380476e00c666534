// European cities (approximate coordinates, rough population weight) that the synthetic topology grows around.

export interface City {
  readonly name: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Relative weight for how many sites and users gather there. */
  readonly weight: number;
}

const c = (name: string, country: string, latitude: number, longitude: number, weight: number): City => ({ name, country, latitude, longitude, weight });

export const CITIES: readonly City[] = [
  c('berlin', 'DE', 52.52, 13.40, 8), c('hamburg', 'DE', 53.55, 9.99, 5), c('munich', 'DE', 48.14, 11.58, 5),
  c('frankfurt', 'DE', 50.11, 8.68, 6), c('cologne', 'DE', 50.94, 6.96, 4), c('stuttgart', 'DE', 48.78, 9.18, 3),
  c('leipzig', 'DE', 51.34, 12.37, 2), c('paris', 'FR', 48.86, 2.35, 9), c('lyon', 'FR', 45.76, 4.84, 4),
  c('marseille', 'FR', 43.30, 5.37, 4), c('toulouse', 'FR', 43.60, 1.44, 3), c('lille', 'FR', 50.63, 3.06, 2),
  c('bordeaux', 'FR', 44.84, -0.58, 2), c('madrid', 'ES', 40.42, -3.70, 7), c('barcelona', 'ES', 41.39, 2.17, 6),
  c('valencia', 'ES', 39.47, -0.38, 3), c('seville', 'ES', 37.39, -5.98, 3), c('bilbao', 'ES', 43.26, -2.93, 2),
  c('lisbon', 'PT', 38.72, -9.14, 4), c('porto', 'PT', 41.16, -8.63, 2), c('rome', 'IT', 41.90, 12.50, 7),
  c('milan', 'IT', 45.46, 9.19, 7), c('naples', 'IT', 40.85, 14.27, 4), c('turin', 'IT', 45.07, 7.69, 3),
  c('bologna', 'IT', 44.49, 11.34, 2), c('palermo', 'IT', 38.12, 13.36, 2), c('amsterdam', 'NL', 52.37, 4.90, 6),
  c('rotterdam', 'NL', 51.92, 4.48, 3), c('brussels', 'BE', 50.85, 4.35, 4), c('antwerp', 'BE', 51.22, 4.40, 2),
  c('luxembourg', 'LU', 49.61, 6.13, 1), c('vienna', 'AT', 48.21, 16.37, 5), c('graz', 'AT', 47.07, 15.44, 1),
  c('zurich', 'CH', 47.38, 8.54, 3), c('geneva', 'CH', 46.20, 6.14, 2), c('copenhagen', 'DK', 55.68, 12.57, 4),
  c('aarhus', 'DK', 56.16, 10.20, 1), c('stockholm', 'SE', 59.33, 18.07, 5), c('gothenburg', 'SE', 57.71, 11.97, 2),
  c('oslo', 'NO', 59.91, 10.75, 3), c('helsinki', 'FI', 60.17, 24.94, 3), c('tallinn', 'EE', 59.44, 24.75, 1),
  c('riga', 'LV', 56.95, 24.11, 1), c('vilnius', 'LT', 54.69, 25.28, 1), c('warsaw', 'PL', 52.23, 21.01, 6),
  c('krakow', 'PL', 50.06, 19.94, 3), c('wroclaw', 'PL', 51.11, 17.04, 2), c('gdansk', 'PL', 54.35, 18.65, 2),
  c('prague', 'CZ', 50.08, 14.44, 4), c('brno', 'CZ', 49.20, 16.61, 1), c('bratislava', 'SK', 48.15, 17.11, 1),
  c('budapest', 'HU', 47.50, 19.04, 4), c('ljubljana', 'SI', 46.06, 14.51, 1), c('zagreb', 'HR', 45.81, 15.98, 2),
  c('bucharest', 'RO', 44.43, 26.10, 4), c('cluj', 'RO', 46.77, 23.60, 1), c('sofia', 'BG', 42.70, 23.32, 3),
  c('athens', 'GR', 37.98, 23.73, 5), c('thessaloniki', 'GR', 40.64, 22.94, 2), c('nicosia', 'CY', 35.19, 33.38, 1),
  c('valletta', 'MT', 35.90, 14.51, 1), c('dublin', 'IE', 53.35, -6.26, 4), c('cork', 'IE', 51.90, -8.47, 1),
  c('london', 'GB', 51.51, -0.13, 9), c('manchester', 'GB', 53.48, -2.24, 3), c('edinburgh', 'GB', 55.95, -3.19, 2),
];
