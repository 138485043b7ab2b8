import { email } from "./email";
import { generic } from "./generic";
import { telegram } from "./telegram";
import { twilio, twilioWhatsApp } from "./twilio";
import type { ChannelType, Provider } from "./types";
import { vonage } from "./vonage";
import { whatsappCloud } from "./whatsapp_cloud";

export const providers: Readonly<Record<ChannelType, Provider>> = {
  twilio,
  twilio_whatsapp: twilioWhatsApp,
  whatsapp_cloud: whatsappCloud,
  telegram,
  vonage,
  generic,
  email,
};

export function getProvider(type: string): Provider | undefined {
  return Object.hasOwn(providers, type) ? providers[type as ChannelType] : undefined;
}
