import { CreateDateColumn, UpdateDateColumn, ValueTransformer } from 'typeorm';

/** `numeric`/`double precision` come back from pg as strings or numbers; entities hold numbers. */
export const numberTransformer: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

/** created_at / updated_at every content table carries. */
export abstract class Timestamped {
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
