ALTER TABLE `whatsapp_form_sends` ADD `answer` text;--> statement-breakpoint
ALTER TABLE `whatsapp_form_sends` ADD `answered_on` text;