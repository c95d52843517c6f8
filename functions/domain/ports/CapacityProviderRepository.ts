import type { CapacityProviderRecord } from '../capacity/model';

/** The user's own capacity providers (Fargate's two are built in, never stored). */
interface CapacityProviderRepository {
  /** Stores a new provider; false when one of that name exists (ACTIVE or not). */
  create(record: CapacityProviderRecord): Promise<boolean>;
  get(name: string): Promise<CapacityProviderRecord | undefined>;
  /** Every provider, ACTIVE and INACTIVE, by name. */
  list(): Promise<CapacityProviderRecord[]>;
  save(record: CapacityProviderRecord): Promise<void>;
}

export type { CapacityProviderRepository };
