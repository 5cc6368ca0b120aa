/** What the simulated backend does for a persona; unknown personas write, like a writer would. */
export type SimulatedRole = 'writer' | 'reviser' | 'auditor' | 'synthesizer';

export function personaRole(persona: string): SimulatedRole {
  const name = persona.toLowerCase();
  if (name.includes('audit')) return 'auditor';
  if (name.includes('revis') || name.includes('edit')) return 'reviser';
  if (name.includes('synth') || name.includes('orchestr')) return 'synthesizer';
  return 'writer';
}
